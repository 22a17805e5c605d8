local pack = require("pack")

describe("checks/exchange_upbit_order_rules.lua", function()
  local file = "checks/exchange_upbit_order_rules.lua"
  for _, row in ipairs({
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes when the selling leg satisfies /v1/orders/chance", status = "pass",
      message = "upbit planned order within the market's rules: KRW-BTC ask 0.00101398 @"
        .. " 143000000 = 144999 KRW (selling leg)" },
    { "checks the buying leg when upbit is first in EXCHANGES",
      env = { EXCHANGES = "upbit,binance" }, status = "pass",
      message = "upbit planned order within the market's rules: KRW-BTC bid 0.00101398 @"
        .. " 143000000 = 144999 KRW (buying leg)" },
    { "fails under min_total", set = "below_minimum", status = "fail",
      message = "upbit planned order breaks the market's rules: KRW-BTC ask total 144999 KRW"
        .. " < ask.min_total 200000" },
    { "fails when the market is not active", set = "lot_size", status = "fail",
      message = 'upbit planned order breaks the market\'s rules: KRW-BTC ask market state is'
        .. ' "inactive", not active' },
    { "fails when a wrong KRW rate shrinks the order under min_total", set = "fx_off",
      status = "fail",
      message = "upbit planned order breaks the market's rules: KRW-BTC ask total 1449 KRW"
        .. " < ask.min_total 5000" },
    { "fails without the secret key", env = { UPBIT_SECRET_KEY = pack.UNSET }, status = "fail",
      message = "UPBIT_SECRET_KEY is not set" },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "upbit GET /v1/ticker?markets=KRW-USDT: HTTP 502" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
