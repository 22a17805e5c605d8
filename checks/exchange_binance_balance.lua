-- Free quote balance in USD >= PLANNED_NOTIONAL_USD (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.binance.balance",
  title = "Binance free quote balance covers the planned notional",
  tags = { "exchange", "binance", "balance" },
  run = function(ctx) return probe.balance("binance", ctx) end,
}
