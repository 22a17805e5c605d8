--- exchange.account: the decisions of the account-safety checks (issue 18,
--- part A): the API key's rights and expiry, the exchange's system status
--- and the wallets of the traded assets. Like exchange.probe, every
--- function returns the check's result; an exchange not in EXCHANGES is a
--- skip (never a pass), and a missing, garbled or refused answer is a
--- fail. The exchange calls live in the adapters.
local messages = require("messages")
local probe = require("exchange.probe")
local settings = require("settings")

local M = {}

local DAY_S = 86400

--- The adapter (or the skip/fail result), then the traded assets and the
--- named number setting; fetch and decide as in exchange.probe.
-- @param name string exchange name
-- @param ctx table
-- @param setting string|nil
-- @param fetch function (ex, ctx, assets) -> value | nil, err
-- @param decide function (limit, value) -> result
local function run(name, ctx, setting, fetch, decide)
  local ex, res = probe.adapter(name)
  if not ex then return res end
  local assets, err = settings.assets()
  if not assets then return preflight.fail(err) end
  local limit
  if setting then
    limit, err = settings.number(setting)
    if not limit then return preflight.fail(err) end
  end
  local v, ferr = fetch(ex, ctx, assets)
  if not v then return preflight.fail(ferr) end
  return decide(limit, v)
end

--- How an expiry compares with now and KEY_EXPIRY_MIN_DAYS.
-- @param expires_s number Unix seconds
-- @param min_days integer
-- @return boolean too_soon (within min_days, or past)
-- @return string "expires 2027-01-01T00:00:00Z, in 200.0 days" or
--   "expired 2026-01-01T00:00:00Z, 3.0 days ago"
-- @return number days left (negative when past)
function M.expiry(expires_s, min_days)
  local left = (expires_s - preflight.clock.now()) / DAY_S
  local at = preflight.clock.iso8601(math.floor(expires_s))
  local text = left > 0 and ("expires %s, in %.1f days"):format(at, left)
    or ("expired %s, %.1f days ago"):format(at, -left)
  return left <= min_days, text, left
end

--- ", within KEY_EXPIRY_MIN_DAYS 30" for a key that has not expired yet,
--- "" for one that has.
function M.within(left, min)
  return left > 0 and (", within KEY_EXPIRY_MIN_DAYS %d"):format(min) or ""
end

--- Binance: the key in use has no withdrawal right, is bound to an IP
--- allow-list, may trade spot, and its trading right does not lapse within
--- KEY_EXPIRY_MIN_DAYS.
function M.binance_key_permissions(ctx)
  return run("binance", ctx, "KEY_EXPIRY_MIN_DAYS",
    function(ex, c) return ex.key_permissions(c) end,
    function(min, k)
      local bad = {}
      if k.withdrawals then
        bad[#bad + 1] = "withdrawals enabled (enableWithdrawals true): use a key without"
          .. " withdrawal rights"
      end
      if not k.ip_restrict then
        bad[#bad + 1] = "no IP allow-list (ipRestrict false): restrict the key to the bot's IPs"
      end
      if not k.spot_trading then
        bad[#bad + 1] = "spot trading not enabled (enableSpotAndMarginTrading false)"
      end
      local expiry, details = "trading right has no expiry (no tradingAuthorityExpirationTime)",
        { withdrawals = k.withdrawals, ip_restrict = k.ip_restrict,
          spot_trading = k.spot_trading, min_days = min }
      if k.expires_ms then
        local soon, text, left = M.expiry(k.expires_ms / 1000, min)
        details.days_left = math.floor(left * 10) / 10
        expiry = ("trading right %s"):format(text)
        if soon then
          bad[#bad + 1] = ("%s%s: renew it"):format(expiry, M.within(left, min))
        else
          expiry = ("%s (minimum %d)"):format(expiry, min)
        end
      end
      if #bad > 0 then
        return preflight.fail("binance API key: " .. table.concat(bad, "; "), details)
      end
      return preflight.pass(("binance API key: spot trading enabled, withdrawals disabled,"
        .. " IP allow-list on; %s"):format(expiry), details)
    end)
end

--- Upbit: the key in use (UPBIT_ACCESS_KEY) is listed by GET /v1/api_keys
--- and expires more than KEY_EXPIRY_MIN_DAYS from now. The access key is
--- never put in a message.
function M.upbit_key_expiry(ctx)
  return run("upbit", ctx, "KEY_EXPIRY_MIN_DAYS",
    function(ex, c)
      local access, err = settings.need("UPBIT_ACCESS_KEY")
      if not access then return nil, err end
      local keys, kerr = ex.api_keys(c)
      if not keys then return nil, kerr end
      for _, k in ipairs(keys) do
        if k.access_key == access then return { key = k, listed = #keys } end
      end
      return nil, ("upbit does not list the API key in use (UPBIT_ACCESS_KEY) among the"
        .. " account's %s"):format(messages.count(#keys, "key"))
    end,
    function(min, found)
      local soon, text, left = M.expiry(found.key.expires_s, min)
      local details = { days_left = math.floor(left * 10) / 10, min_days = min,
                        keys_listed = found.listed }
      if soon then
        return preflight.fail(("upbit API key in use %s%s: issue a new key"):format(text,
          M.within(left, min)), details)
      end
      return preflight.pass(("upbit API key in use %s (minimum %d)"):format(text, min), details)
    end)
end

--- An exchange whose adapter returns a summary or nil, err for a call
--- (system status, wallet status): pass the summary, fail the error.
-- @param name string
-- @param ctx table
-- @param call string adapter function name
function M.summary(name, ctx, call)
  return run(name, ctx, nil,
    function(ex, c, assets) return ex[call](c, assets) end,
    function(_, summary) return preflight.pass(summary) end)
end

return M
