-- The bot records orders and fills in Redis; it must answer.
local infra = require("infra")
return {
  id = "infra.redis",
  title = "Redis at REDIS_URL answers PING",
  tags = { "infra", "guard" },
  guard_failures = 3, -- unavailable for 3 guard cycles in a row (KPI 10)
  run = function() return infra.ping("redis") end,
}
