-- KPI 6 (418 and 429 answers) from the bot's kpi.exchange_requests (lib/kpi.lua).
local kpi = require("kpi")
return {
  id = "kpi.rate_limited",
  title = "No exchange banned the bot's IP or kept rate-limiting it (KPI 6)",
  tags = { "kpi", "guard" },
  run = function(ctx) return kpi.rate_limited(ctx) end,
}
