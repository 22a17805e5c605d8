-- KPI 1 from the bot's kpi.order_attempts (lib/kpi.lua, docs/KPI-SCHEMA.md).
local kpi = require("kpi")
return {
  id = "kpi.fill_rate",
  title = "Fill rate over 60 min stays above the RUNBOOK's kill threshold (KPI 1)",
  tags = { "kpi", "guard" },
  run = function(ctx) return kpi.fill_rate(ctx) end,
}
