-- Signed requests are rejected when the clocks disagree (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.binance.clock_skew",
  title = "Binance's clock agrees with this host's within CLOCK_SKEW_MAX_MS",
  tags = { "exchange", "binance", "clock", "guard" },
  run = function(ctx) return probe.clock_skew("binance", ctx) end,
}
