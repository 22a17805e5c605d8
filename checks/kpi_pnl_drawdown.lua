-- KPI 3 from the bot's kpi.pnl against the notional cap (lib/kpi.lua).
local kpi = require("kpi")
return {
  id = "kpi.pnl_drawdown",
  title = "Today's realized PnL drawdown stays under 2 % of the cap (KPI 3)",
  tags = { "kpi", "guard" },
  run = function(ctx) return kpi.pnl_drawdown(ctx) end,
}
