-- KPI 8 from the bot's kpi.order_attempts (lib/kpi.lua).
local kpi = require("kpi")
return {
  id = "kpi.order_latency",
  title = "Order acknowledgement latency p99 stays under the kill threshold (KPI 8)",
  tags = { "kpi", "guard" },
  run = function(ctx) return kpi.order_latency(ctx) end,
}
