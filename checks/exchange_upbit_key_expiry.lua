-- The Upbit key in use (UPBIT_ACCESS_KEY) is listed by /v1/api_keys and
-- expires more than KEY_EXPIRY_MIN_DAYS (default 30) from now
-- (exchange.account).
local account = require("exchange.account")
return {
  id = "exchange.upbit.key_expiry",
  title = "The Upbit API key in use is listed and not about to expire",
  tags = { "exchange", "upbit", "keys" },
  run = function(ctx) return account.upbit_key_expiry(ctx) end,
}
