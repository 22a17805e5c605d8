-- Signed requests are rejected when the clocks disagree (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.clock_skew",
  title = "Upbit's clock agrees with this host's within CLOCK_SKEW_MAX_MS",
  tags = { "exchange", "upbit", "clock", "guard" },
  run = function(ctx) return probe.clock_skew("upbit", ctx) end,
}
