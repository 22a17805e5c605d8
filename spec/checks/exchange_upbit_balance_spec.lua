local pack = require("pack")

describe("checks/exchange_upbit_balance.lua", function()
  local file = "checks/exchange_upbit_balance.lua"
  for _, row in ipairs({
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes when free BTC covers the planned notional on the selling leg", status = "pass",
      message = "upbit selling leg: free BTC 0.00200000 (197.24 USD) covers the planned"
        .. " notional 100.00 USD" },
    { "fails when the selling leg is short of BTC", set = "low_balance", status = "fail",
      message = "upbit selling leg: free BTC 0.00050000 (49.31 USD) < planned notional"
        .. " 100.00 USD" },
    { "covers free KRW on the buying leg", env = { EXCHANGES = "upbit,binance" },
      status = "pass", message = "upbit buying leg: free KRW 2000000.00 (1379.31 USD) covers the"
        .. " planned notional 100.00 USD" },
    { "fails when the buying leg is short of KRW", set = "low_balance",
      env = { EXCHANGES = "upbit,binance" }, status = "fail",
      message = "upbit buying leg: free KRW 50000.00 (34.48 USD) < planned notional 100.00 USD" },
    { "fails on a malformed planned notional", env = { PLANNED_NOTIONAL_USD = "1e3" },
      status = "fail",
      message = 'PLANNED_NOTIONAL_USD must be a plain decimal number from 0 to 100000, got "1e3"' },
    { "fails when rate limited", set = "rate_limited", status = "fail",
      message = "upbit rate limited: HTTP 429 on GET /v1/accounts, Retry-After 1 s" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
