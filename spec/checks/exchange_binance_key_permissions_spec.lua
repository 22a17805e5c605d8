local pack = require("pack")

describe("checks/exchange_binance_key_permissions.lua", function()
  local file = "checks/exchange_binance_key_permissions.lua"
  local prefix = "binance API key: "
  for _, row in ipairs({
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes a spot key without withdrawals, IP-bound, without an expiry (and says so)",
      status = "pass", message = prefix .. "spot trading enabled, withdrawals disabled, IP"
        .. " allow-list on; trading right has no expiry (no tradingAuthorityExpirationTime)" },
    { "fails a key that may withdraw", set = "key_withdrawals", status = "fail",
      message = prefix .. "withdrawals enabled (enableWithdrawals true): use a key without"
        .. " withdrawal rights" },
    { "fails a key without an IP allow-list", set = "key_no_ip", status = "fail",
      message = prefix .. "no IP allow-list (ipRestrict false): restrict the key to the bot's"
        .. " IPs" },
    { "fails a key that may not trade spot", set = "key_no_trading", status = "fail",
      message = prefix .. "spot trading not enabled (enableSpotAndMarginTrading false)" },
    { "fails a trading right that ends within KEY_EXPIRY_MIN_DAYS", set = "key_expiring",
      status = "fail", match = "^binance API key: trading right expires %d%d%d%d%-%d%d%-%d%dT"
        .. "[%d:]+Z, in 10%.0 days, within KEY_EXPIRY_MIN_DAYS 30: renew it$" },
    -- KEY_EXPIRY_MIN_DAYS has KEY in its name, so the host masks its value
    -- (as a whole token) in every message: "minimum ***"
    { "passes the same trading right with KEY_EXPIRY_MIN_DAYS=7", set = "key_expiring",
      env = { KEY_EXPIRY_MIN_DAYS = "7" }, status = "pass",
      match = "^binance API key: spot trading enabled, withdrawals disabled, IP allow%-list on;"
        .. " trading right expires [%dT:Z-]+, in 10%.0 days %(minimum %*%*%*%)$" },
    { "fails a trading right that has ended", set = "key_expired", status = "fail",
      match = "^binance API key: trading right expired [%dT:Z-]+, 2%.0 days ago: renew it$" },
    { "fails a garbled answer (a string for a boolean)", set = "garbled", status = "fail",
      message = "binance apiRestrictions has no true/false enableWithdrawals" },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "binance GET /sapi/v1/account/apiRestrictions: HTTP 503: -1008 Server is"
        .. " currently overloaded with other requests. Please try again in a few minutes." },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/sapi/v1/account/apiRestrictions" },
    { "fails without the API secret", env = { BINANCE_API_SECRET = pack.UNSET },
      status = "fail", message = "BINANCE_API_SECRET is not set" },
    { "fails on a malformed KEY_EXPIRY_MIN_DAYS", env = { KEY_EXPIRY_MIN_DAYS = "thirty" },
      status = "fail",
      message = 'KEY_EXPIRY_MIN_DAYS must be a whole number from 0 to 3650, got "***"' },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
