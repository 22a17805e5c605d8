-- The bot's ledger lives in PostgreSQL; it must answer.
local infra = require("infra")
return {
  id = "infra.postgres",
  title = "PostgreSQL at DATABASE_URL answers SELECT 1",
  tags = { "infra", "guard" },
  guard_failures = 3, -- unavailable for 3 guard cycles in a row (KPI 10)
  run = function() return infra.ping("postgres") end,
}
