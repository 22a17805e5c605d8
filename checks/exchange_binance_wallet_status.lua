-- Deposits and withdrawals of every TRADE_ASSETS asset are open on Binance,
-- on at least one network (exchange.account).
local account = require("exchange.account")
return {
  id = "exchange.binance.wallet_status",
  title = "Binance deposits and withdrawals of the traded assets are open",
  tags = { "exchange", "binance", "wallet" },
  run = function(ctx) return account.summary("binance", ctx, "wallet_status") end,
}
