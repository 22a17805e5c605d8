-- Free quote balance in USD >= PLANNED_NOTIONAL_USD (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.balance",
  title = "Upbit free quote balance covers the planned notional",
  tags = { "exchange", "upbit", "balance" },
  run = function(ctx) return probe.balance("upbit", ctx) end,
}
