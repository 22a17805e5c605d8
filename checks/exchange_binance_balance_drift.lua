-- KPI 9: Binance balances against the bot's kpi.expected_balances (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.binance.balance_drift",
  title = "Binance balances match the bot's expected balances within 0.5 % of the cap",
  tags = { "exchange", "binance", "kpi", "guard" },
  run = function(ctx) return probe.balance_drift("binance", ctx) end,
}
