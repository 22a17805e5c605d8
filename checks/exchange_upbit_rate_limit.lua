-- Headroom from the exchange's own rate-limit headers (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.rate_limit",
  title = "Upbit rate-limit headroom is at least RATE_LIMIT_MIN_HEADROOM_PCT",
  tags = { "exchange", "upbit", "guard" },
  guard_failures = 2, -- a 429 must last over a guard interval (KPI 6)
  run = function(ctx) return probe.rate_limit("upbit", ctx) end,
}
