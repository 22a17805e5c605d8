local pack = require("pack")

describe("checks/exchange_binance_balance.lua", function()
  local file = "checks/exchange_binance_balance.lua"
  for _, row in ipairs({
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes when free USDT covers the planned notional", status = "pass",
      message = "binance buying leg: free USDT 1500.00 (1500.00 USD) covers the planned"
        .. " notional 100.00 USD" },
    { "fails on a low balance", set = "low_balance", status = "fail",
      message = "binance buying leg: free USDT 42.50 (42.50 USD) < planned notional 100.00 USD" },
    { "fails when the plan exceeds the balance", env = { PLANNED_NOTIONAL_USD = "2000" },
      status = "fail", message = "binance buying leg: free USDT 1500.00 (1500.00 USD) < planned"
        .. " notional 2000.00 USD" },
    { "covers the base asset on the selling leg (upbit first in EXCHANGES)",
      env = { EXCHANGES = "upbit,binance" }, status = "pass",
      message = "binance selling leg: free BTC 0.00200000 (194.00 USD) covers the planned"
        .. " notional 100.00 USD" },
    { "fails when the selling leg is short of the base asset",
      env = { EXCHANGES = "upbit,binance", PLANNED_NOTIONAL_USD = "200" }, status = "fail",
      message = "binance selling leg: free BTC 0.00200000 (194.00 USD) < planned notional"
        .. " 200.00 USD" },
    { "holds a lone exchange to both sides", env = { EXCHANGES = "binance" }, status = "pass",
      message = "binance buying leg: free USDT 1500.00 (1500.00 USD) covers the planned notional"
        .. " 100.00 USD; selling leg: free BTC 0.00200000 (194.00 USD) covers the planned"
        .. " notional 100.00 USD" },
    { "fails for a quote it cannot value", env = { BINANCE_QUOTE = "BTC" }, status = "fail",
      message = "BINANCE_QUOTE BTC has no USD value here (use one of USDT, USDC, FDUSD)" },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "binance GET /api/v3/account: HTTP 503: -1008 Server is currently overloaded"
        .. " with other requests. Please try again in a few minutes." },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
