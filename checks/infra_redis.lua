-- The bot records orders and fills in Redis; it must answer.
local infra = require("infra")
return {
  id = "infra.redis",
  title = "Redis at REDIS_URL answers PING",
  tags = { "infra" },
  run = function() return infra.ping("redis") end,
}
