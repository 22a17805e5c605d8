local pack = require("pack")

describe("checks/exchange_upbit_health.lua", function()
  local file = "checks/exchange_upbit_health.lua"
  for _, row in ipairs({
    { "passes when upbit lists KRW-BTC", status = "pass", message = "upbit lists KRW-BTC" },
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "fails for an asset it does not list", env = { TRADE_ASSETS = "BTC,DOGE" }, status = "fail",
      message = "upbit does not list KRW-DOGE" },
    { "fails on a malformed TRADE_ASSETS", env = { TRADE_ASSETS = "btc" }, status = "fail",
      message = 'TRADE_ASSETS entry "btc" is not an asset symbol like BTC' },
    { "fails when the market is delisted", set = "delisted", status = "fail",
      message = "upbit does not list KRW-BTC" },
    { "fails under an investment warning", set = "halted", status = "fail",
      message = "upbit market KRW-BTC is under an investment warning (delisting risk)" },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "upbit GET /v1/market/all?isDetails=true: HTTP 502" },
    { "fails when rate limited", set = "rate_limited", status = "fail",
      message = "upbit rate limited: HTTP 429 on GET /v1/market/all?isDetails=true, Retry-After"
        .. " 1 s" },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "upbit unreachable: timeout after 2000 ms: "
        .. "GET https://api.upbit.com/v1/market/all?isDetails=true" },
    { "uses EXCHANGE_TIMEOUT_MS", set = "timeout", env = { EXCHANGE_TIMEOUT_MS = "750" },
      status = "fail",
      message = "upbit unreachable: timeout after 750 ms: "
        .. "GET https://api.upbit.com/v1/market/all?isDetails=true" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
