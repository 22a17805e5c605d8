-- The bot's ledger lives in PostgreSQL; it must answer.
local infra = require("infra")
return {
  id = "infra.postgres",
  title = "PostgreSQL at DATABASE_URL answers SELECT 1",
  tags = { "infra" },
  run = function() return infra.ping("postgres") end,
}
