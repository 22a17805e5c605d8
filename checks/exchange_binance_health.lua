-- Binance is up and lists every TRADE_ASSETS market as open (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.binance.health",
  title = "Binance answers and its traded markets are open",
  tags = { "exchange", "binance" },
  run = function(ctx) return probe.health("binance", ctx) end,
}
