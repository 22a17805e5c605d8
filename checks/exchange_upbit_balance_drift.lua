-- KPI 9: Upbit balances against the bot's kpi.expected_balances (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.balance_drift",
  title = "Upbit balances match the bot's expected balances within 0.5 % of the cap",
  tags = { "exchange", "upbit", "kpi", "guard" },
  run = function(ctx) return probe.balance_drift("upbit", ctx) end,
}
