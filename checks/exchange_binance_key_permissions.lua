-- The Binance API key cannot withdraw, is bound to an IP allow-list, may
-- trade spot, and its trading right outlives KEY_EXPIRY_MIN_DAYS (default
-- 30) (exchange.account).
local account = require("exchange.account")
return {
  id = "exchange.binance.key_permissions",
  title = "The Binance API key trades spot, cannot withdraw and is IP-restricted",
  tags = { "exchange", "binance", "keys" },
  run = function(ctx) return account.binance_key_permissions(ctx) end,
}
