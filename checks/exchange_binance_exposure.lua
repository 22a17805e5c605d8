-- Holdings of TRADE_ASSETS plus PLANNED_NOTIONAL_USD <= the notional cap.
local probe = require("exchange.probe")
return {
  id = "exchange.binance.exposure",
  title = "Binance holdings plus the planned notional stay within the cap",
  tags = { "exchange", "binance", "exposure", "guard" },
  run = function(ctx) return probe.exposure("binance", ctx) end,
}
