-- Binance reports its system status as normal (0), not in maintenance
-- (exchange.account).
local account = require("exchange.account")
return {
  id = "exchange.binance.system_status",
  title = "Binance reports its system as normal",
  tags = { "exchange", "binance" },
  run = function(ctx) return account.summary("binance", ctx, "system_status") end,
}
