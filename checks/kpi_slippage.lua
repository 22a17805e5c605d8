-- KPI 2 from the bot's kpi.order_attempts and kpi.fills (lib/kpi.lua).
local kpi = require("kpi")
return {
  id = "kpi.slippage",
  title = "No filled leg slipped beyond the RUNBOOK's kill threshold (KPI 2)",
  tags = { "kpi", "guard" },
  run = function(ctx) return kpi.slippage(ctx) end,
}
