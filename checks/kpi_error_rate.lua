-- KPI 5 from the bot's kpi.exchange_requests and kpi.order_attempts (lib/kpi.lua).
local kpi = require("kpi")
return {
  id = "kpi.error_rate",
  title = "Exchange error rate and unknown order outcomes stay under the kill thresholds (KPI 5)",
  tags = { "kpi", "guard" },
  run = function(ctx) return kpi.error_rate(ctx) end,
}
