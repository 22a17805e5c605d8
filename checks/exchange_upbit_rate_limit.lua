-- Headroom from the exchange's own rate-limit headers (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.rate_limit",
  title = "Upbit rate-limit headroom is at least RATE_LIMIT_MIN_HEADROOM_PCT",
  tags = { "exchange", "upbit" },
  run = function(ctx) return probe.rate_limit("upbit", ctx) end,
}
