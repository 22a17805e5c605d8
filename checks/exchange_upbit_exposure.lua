-- Holdings of TRADE_ASSETS plus PLANNED_NOTIONAL_USD <= the notional cap.
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.exposure",
  title = "Upbit holdings plus the planned notional stay within the cap",
  tags = { "exchange", "upbit", "exposure", "guard" },
  run = function(ctx) return probe.exposure("upbit", ctx) end,
}
