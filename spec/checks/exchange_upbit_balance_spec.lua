local pack = require("pack")

describe("checks/exchange_upbit_balance.lua", function()
  local file = "checks/exchange_upbit_balance.lua"
  for _, row in ipairs({
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes when free KRW covers the planned notional", status = "pass",
      message = "upbit free KRW 2000000.00 (1379.31 USD) covers the planned notional 100.00 USD" },
    { "fails on a low balance", set = "low_balance", status = "fail",
      message = "upbit free KRW 50000.00 (34.48 USD) < planned notional 100.00 USD" },
    { "fails on a malformed planned notional", env = { PLANNED_NOTIONAL_USD = "1e3" },
      status = "fail",
      message = 'PLANNED_NOTIONAL_USD must be a plain decimal number from 0 to 100000, got "1e3"' },
    { "fails when rate limited", set = "rate_limited", status = "fail",
      message = "upbit rate limited: HTTP 429 on GET /v1/accounts, Retry-After 1 s" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
