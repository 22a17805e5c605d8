local pack = require("pack")

describe("checks/exchange_upbit_rate_limit.lua", function()
  local file = "checks/exchange_upbit_rate_limit.lua"
  for _, row in ipairs({
    { "fails a loosened RATE_LIMIT_MIN_HEADROOM_PCT in live mode", mode = "live",
      env = { RATE_LIMIT_MIN_HEADROOM_PCT = "19.5" }, status = "fail",
      message = "RATE_LIMIT_MIN_HEADROOM_PCT=19.5 is looser than live mode allows (at least 20)" },
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes with most requests left", status = "pass",
      message = "upbit group default: 29 of 30 requests per second left: 96% headroom (minimum"
        .. " 20%)" },
    { "fails with little headroom", set = "low_headroom", status = "fail",
      message = "upbit group default: 3 of 30 requests per second left: 10% headroom < minimum"
        .. " 20%" },
    { "fails on a 429", set = "rate_limited", status = "fail",
      message = "upbit rate limited: HTTP 429 on GET /v1/accounts, Retry-After 1 s" },
    { "fails without the access key", env = { UPBIT_ACCESS_KEY = pack.UNSET }, status = "fail",
      message = "UPBIT_ACCESS_KEY is not set" },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "upbit GET /v1/accounts: HTTP 502" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
