local pack = require("pack")

describe("checks/exchange_upbit_key_expiry.lua", function()
  local file = "checks/exchange_upbit_key_expiry.lua"
  for _, row in ipairs({
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    -- the healthy set also lists another key that expires in 5 days: the
    -- check must judge the key in use, not the first one listed
    { "passes the key in use, 200 days from expiry", status = "pass",
      match = "^upbit API key in use expires [%dT:Z-]+, in 200%.0 days %(minimum 30%)$" },
    { "fails a key in use that expires within KEY_EXPIRY_MIN_DAYS", set = "key_expiring",
      status = "fail", match = "^upbit API key in use expires [%dT:Z-]+, in 10%.0 days, within"
        .. " KEY_EXPIRY_MIN_DAYS 30: issue a new key$" },
    -- the host masks KEY_EXPIRY_MIN_DAYS's value: its name holds KEY
    { "passes the same key with KEY_EXPIRY_MIN_DAYS=7", set = "key_expiring",
      env = { KEY_EXPIRY_MIN_DAYS = "7" }, status = "pass",
      match = "^upbit API key in use expires [%dT:Z-]+, in 10%.0 days %(minimum %*%*%*%)$" },
    { "fails an expired key (a KST date as documented)", set = "key_expired", status = "fail",
      match = "^upbit API key in use expired 2026%-03%-05T09:19:34Z, [%d.]+ days ago:"
        .. " issue a new key$" },
    { "fails when the key in use is not listed (and never shows a key)", set = "key_unlisted",
      status = "fail", message = "upbit does not list the API key in use (UPBIT_ACCESS_KEY)"
        .. " among the account's 1 key" },
    { "fails another account's key", env = { UPBIT_ACCESS_KEY = "someone-else" },
      status = "fail", message = "upbit does not list the API key in use (UPBIT_ACCESS_KEY)"
        .. " among the account's 2 keys" },
    { "fails a garbled expire_at", set = "garbled", status = "fail",
      message = 'upbit /v1/api_keys expire_at: "2027-06-18 18:19" is not an ISO 8601 date-time' },
    { "fails on a 502", set = "server_error", status = "fail",
      message = "upbit GET /v1/api_keys: HTTP 502" },
    { "fails when rate limited", set = "rate_limited", status = "fail",
      message = "upbit rate limited: HTTP 429 on GET /v1/api_keys, Retry-After 1 s" },
    { "fails without the access key", env = { UPBIT_ACCESS_KEY = pack.UNSET },
      status = "fail", message = "UPBIT_ACCESS_KEY is not set" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
