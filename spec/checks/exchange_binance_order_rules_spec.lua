local pack = require("pack")

describe("checks/exchange_binance_order_rules.lua", function()
  local file = "checks/exchange_binance_order_rules.lua"
  local order = "BTCUSDT BUY 0.00103 @ 97000.00 = 99.91 USDT"
  for _, row in ipairs({
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes when the buying leg satisfies every filter", status = "pass",
      message = "binance planned order within the market's rules: " .. order
        .. " (buying leg)" },
    { "checks the selling leg when binance is second in EXCHANGES",
      env = { EXCHANGES = "upbit,binance" }, status = "pass",
      message = "binance planned order within the market's rules: BTCUSDT SELL 0.00103 @"
        .. " 97000.00 = 99.91 USDT (selling leg)" },
    { "checks both sides of a lone exchange", env = { EXCHANGES = "binance" }, status = "pass",
      message = "binance planned order within the market's rules: " .. order .. " (buying leg),"
        .. " BTCUSDT SELL 0.00103 @ 97000.00 = 99.91 USDT (selling leg)" },
    { "fails under NOTIONAL minNotional", set = "below_minimum", status = "fail",
      message = "binance planned order breaks the market's rules: BTCUSDT BUY notional 99.91"
        .. " USDT < NOTIONAL minNotional 150" },
    { "fails under LOT_SIZE minQty", set = "lot_size", status = "fail",
      message = "binance planned order breaks the market's rules: BTCUSDT BUY quantity 0.00103"
        .. " < LOT_SIZE minQty 0.01" },
    { "fails when the planned notional is below NOTIONAL", env = { PLANNED_NOTIONAL_USD = "4" },
      status = "fail",
      message = "binance planned order breaks the market's rules: BTCUSDT BUY notional 3.88"
        .. " USDT < NOTIONAL minNotional 5" },
    { "fails when the market is halted", set = "halted", status = "fail",
      message = "binance planned order breaks the market's rules: BTCUSDT BUY market is BREAK,"
        .. " not TRADING" },
    { "fails on a zero planned notional", env = { PLANNED_NOTIONAL_USD = "0" }, status = "fail",
      message = "PLANNED_NOTIONAL_USD is 0: there is no order to check" },
    { "fails when the symbol is delisted", set = "delisted", status = "fail",
      message = "binance GET /api/v3/exchangeInfo?symbol=BTCUSDT: HTTP 400: -1121 Invalid"
        .. " symbol." },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/api/v3/exchangeInfo?symbol=BTCUSDT" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
