-- Upbit is up and lists every TRADE_ASSETS market as open (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.health",
  title = "Upbit answers and its traded markets are open",
  tags = { "exchange", "upbit" },
  run = function(ctx) return probe.health("upbit", ctx) end,
}
