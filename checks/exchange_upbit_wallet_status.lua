-- The wallet of every TRADE_ASSETS asset on Upbit is working and its block
-- state normal (exchange.account).
local account = require("exchange.account")
return {
  id = "exchange.upbit.wallet_status",
  title = "Upbit wallets of the traded assets are working",
  tags = { "exchange", "upbit", "wallet" },
  run = function(ctx) return account.summary("upbit", ctx, "wallet_status") end,
}
