-- KPI 9 (unhedged exposure) from the bot's kpi.exposure_snapshots (lib/kpi.lua).
local kpi = require("kpi")
return {
  id = "kpi.unhedged_exposure",
  title = "Unhedged exposure stays under 10 % of the cap (KPI 9)",
  tags = { "kpi", "guard" },
  run = function(ctx) return kpi.unhedged_exposure(ctx) end,
}
