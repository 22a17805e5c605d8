--- settings: the one list of the bot's settings and secrets that the D98
--- preflight needs, their defaults, and typed readers over the
--- environment. Checks name settings through this module only, so adding
--- a required secret is a one-line change here.
---
--- Values are read with preflight.env.get; this module never puts a value
--- in a message, except the non-secret numbers and lists it validates.
local M = {}

--- Exchanges this preflight knows, in the order they are checked.
M.KNOWN_EXCHANGES = { "binance", "upbit" }

--- Required settings, by name. `when` is nil (always), an exchange name
--- (required when that exchange is in EXCHANGES) or "live" (live mode only).
M.REQUIRED = {
  { name = "BINANCE_API_KEY", when = "binance" },
  { name = "BINANCE_API_SECRET", when = "binance" },
  { name = "UPBIT_ACCESS_KEY", when = "upbit" },
  { name = "UPBIT_SECRET_KEY", when = "upbit" },
  { name = "REDIS_URL" },
  { name = "DATABASE_URL" },
  { name = "LIVE_MAX_NOTIONAL_USD", when = "live" },
}

--- Optional settings and their defaults (strings, as in the environment).
M.DEFAULTS = {
  EXCHANGES = "binance,upbit",
  TRADE_ASSETS = "BTC",
  BINANCE_QUOTE = "USDT",
  UPBIT_QUOTE = "KRW",
  EXCHANGE_TIMEOUT_MS = "2000",
  CLOCK_SKEW_MAX_MS = "1000",
  RATE_LIMIT_MIN_HEADROOM_PCT = "20",
  OPEN_ORDERS_MAX = "0",
  PLANNED_NOTIONAL_USD = "100",
  PAPER_MAX_NOTIONAL_USD = "1000",
  KEY_EXPIRY_MIN_DAYS = "30",
  FX_MAX_DEVIATION_PCT = "3",
}

--- Numeric settings: bounds and whether they must be whole numbers.
M.NUMBERS = {
  EXCHANGE_TIMEOUT_MS = { min = 1, max = 60000, integer = true },
  CLOCK_SKEW_MAX_MS = { min = 0, max = 600000, integer = true },
  RATE_LIMIT_MIN_HEADROOM_PCT = { min = 0, max = 100 },
  OPEN_ORDERS_MAX = { min = 0, max = 10000, integer = true },
  PLANNED_NOTIONAL_USD = { min = 0, max = 100000 },
  PAPER_MAX_NOTIONAL_USD = { min = 0, max = 100000 },
  LIVE_MAX_NOTIONAL_USD = { min = 0, max = 100000 },
  KEY_EXPIRY_MIN_DAYS = { min = 0, max = 3650, integer = true },
  FX_KRW_PER_USD = { min = 1, max = 100000 },
  FX_MAX_DEVIATION_PCT = { min = 0, max = 100 },
}

--- The numeric settings in the order they are validated and documented.
M.NUMBER_ORDER = {
  "EXCHANGE_TIMEOUT_MS", "CLOCK_SKEW_MAX_MS", "RATE_LIMIT_MIN_HEADROOM_PCT",
  "OPEN_ORDERS_MAX", "PLANNED_NOTIONAL_USD", "PAPER_MAX_NOTIONAL_USD",
  "LIVE_MAX_NOTIONAL_USD", "KEY_EXPIRY_MIN_DAYS",
  "FX_KRW_PER_USD", "FX_MAX_DEVIATION_PCT",
}

--- The raw value of a setting: the environment's (empty counts as unset),
--- else its default, else nil.
-- @param name string
-- @return string|nil
function M.get(name)
  local v = preflight.env.get(name)
  if v == nil or v == "" then return M.DEFAULTS[name] end
  return v
end

--- A setting that must have a value: as M.get, or an error.
-- @param name string
-- @return string|nil the value
-- @return string|nil err: `NAME is not set`
function M.need(name)
  local v = M.get(name)
  if v == nil then return nil, name .. " is not set" end
  return v
end

--- Whether a setting has a non-empty value in the environment.
-- @param name string
-- @return boolean
function M.is_set(name)
  local v = preflight.env.get(name)
  return v ~= nil and v ~= ""
end

--- Split a comma list: trimmed, empty items dropped.
-- @param s string
-- @return table list of strings
function M.split(s)
  local out = {}
  for item in (s or ""):gmatch("[^,]+") do
    item = item:match("^%s*(.-)%s*$")
    if item ~= "" then out[#out + 1] = item end
  end
  return out
end

--- A numeric setting, validated against M.NUMBERS.
-- @param name string
-- @return number|nil the value
-- @return string|nil err: `NAME must be ... , got "x"`
function M.number(name)
  local spec = M.NUMBERS[name] or {}
  local raw, err = M.need(name)
  if raw == nil then return nil, err end
  local want = spec.integer and "a whole number" or "a plain decimal number"
  local ok = raw:match(spec.integer and "^%d+$" or "^%d+%.?%d*$")
  local v = ok and tonumber(raw)
  if not v or (spec.min and v < spec.min) or (spec.max and v > spec.max) then
    return nil, ('%s must be %s from %s to %s, got "%s"'):format(
      name, want, tostring(spec.min), tostring(spec.max), raw)
  end
  return v
end

--- Limits a threshold setting must respect in live mode: the environment
--- may tighten a limit there, never loosen it (`max`: the value may be at
--- most this; `min`: at least this).
M.LIVE_LIMITS = {
  OPEN_ORDERS_MAX = { max = 0 },
  CLOCK_SKEW_MAX_MS = { max = 1000 },
  RATE_LIMIT_MIN_HEADROOM_PCT = { min = 20 },
  KEY_EXPIRY_MIN_DAYS = { min = 7 },
  FX_MAX_DEVIATION_PCT = { max = 5 },
}

--- A threshold setting for a check: M.number, and in live mode also within
--- M.LIVE_LIMITS. Every check reads its thresholds through this function.
-- @param name string
-- @param ctx table|string|nil the check's ctx (ctx.mode), or a mode
-- @return number|nil the value
-- @return string|nil err: `OPEN_ORDERS_MAX=10000 is looser than live mode
--   allows (at most 0)`
function M.threshold(name, ctx)
  local v, err = M.number(name)
  if not v then return nil, err end
  local mode = type(ctx) == "table" and ctx.mode or ctx
  local lim = M.LIVE_LIMITS[name]
  if mode ~= "live" or not lim then return v end
  if (lim.max and v > lim.max) or (lim.min and v < lim.min) then
    return nil, ("%s=%s is looser than live mode allows (%s %s)"):format(name,
      M.get(name), lim.max and "at most" or "at least", tostring(lim.max or lim.min))
  end
  return v
end

--- The configured exchanges (EXCHANGES, default "binance,upbit").
-- @return table|nil list of names
-- @return string|nil err
function M.exchanges()
  local list, seen = M.split(M.get("EXCHANGES")), {}
  if #list == 0 then return nil, "EXCHANGES names no exchange" end
  for _, name in ipairs(list) do
    local known = false
    for _, k in ipairs(M.KNOWN_EXCHANGES) do known = known or k == name end
    if not known then
      return nil, ('EXCHANGES names unknown exchange "%s" (known: %s)'):format(
        name, table.concat(M.KNOWN_EXCHANGES, ", "))
    end
    if seen[name] then
      return nil, ('EXCHANGES names "%s" twice'):format(name)
    end
    seen[name] = true
  end
  return list
end

--- Whether an exchange is configured.
-- @param name string
-- @return boolean|nil
-- @return string|nil err when EXCHANGES is malformed
function M.enabled(name)
  local list, err = M.exchanges()
  if not list then return nil, err end
  for _, n in ipairs(list) do
    if n == name then return true end
  end
  return false
end

--- The base assets the bot trades (TRADE_ASSETS, default "BTC").
-- @return table|nil list of upper-case symbols
-- @return string|nil err
function M.assets()
  local list = M.split(M.get("TRADE_ASSETS"))
  if #list == 0 then return nil, "TRADE_ASSETS names no asset" end
  for _, a in ipairs(list) do
    if not a:match("^[A-Z0-9]+$") or #a > 20 then
      return nil, ('TRADE_ASSETS entry "%s" is not an asset symbol like BTC'):format(a)
    end
  end
  return list
end

--- The names required in a mode, in M.REQUIRED's order.
-- @param mode string "paper" or "live"
-- @return table|nil names
-- @return string|nil err when EXCHANGES is malformed
function M.required(mode)
  local list, err = M.exchanges()
  if not list then return nil, err end
  local on = { live = mode == "live" }
  for _, n in ipairs(list) do on[n] = true end
  local names = {}
  for _, s in ipairs(M.REQUIRED) do
    if s.when == nil or on[s.when] then names[#names + 1] = s.name end
  end
  return names
end

--- The required names that are unset or empty.
-- @param mode string
-- @return table|nil missing names
-- @return table|string required names, or err
function M.missing(mode)
  local names, err = M.required(mode)
  if not names then return nil, err end
  local missing = {}
  for _, n in ipairs(names) do
    if not M.is_set(n) then missing[#missing + 1] = n end
  end
  return missing, names
end

--- The notional cap in USD: LIVE_MAX_NOTIONAL_USD in live mode (required),
--- in paper mode LIVE_MAX_NOTIONAL_USD when set, else PAPER_MAX_NOTIONAL_USD.
-- @param mode string
-- @return number|nil cap
-- @return string name of the setting it came from, or err
function M.cap(mode)
  local name = "PAPER_MAX_NOTIONAL_USD"
  if mode == "live" or M.is_set("LIVE_MAX_NOTIONAL_USD") then
    name = "LIVE_MAX_NOTIONAL_USD"
  end
  local v, err = M.number(name)
  if not v then return nil, err end
  return v, name
end

return M
