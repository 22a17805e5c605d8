--- exchange.api: one JSON request to an exchange's REST API, with the
--- failure modes turned into messages an operator can act on. The
--- exchange adapters (exchange.binance, exchange.upbit) build on it.
---
--- An adapter is a table with `name`, `base_url(ctx)` and
--- `error_text(doc)` (the exchange's own error in a decoded error body).
local settings = require("settings")
local messages = require("messages")

local M = {}

--- Percent-encode a query value (RFC 3986 unreserved characters kept).
-- @param s string
-- @return string
function M.encode(s)
  return (tostring(s):gsub("[^%w%-%._~]", function(c)
    return ("%%%02X"):format(c:byte())
  end))
end

--- Build a query string from an ordered list of {name, value} pairs.
-- @param params table|nil
-- @return string "a=1&b=2", or "" for none
function M.query(params)
  local parts = {}
  for _, p in ipairs(params or {}) do
    parts[#parts + 1] = M.encode(p[1]) .. "=" .. M.encode(p[2])
  end
  return table.concat(parts, "&")
end

--- A base URL from an environment override or a default. In live mode the
--- override is refused: LIVE checks talk to the real exchange only.
-- @param env_name string e.g. "BINANCE_BASE_URL"
-- @param default string
-- @param ctx table|nil the check's ctx (ctx.mode)
-- @return string|nil base URL without a trailing slash
-- @return string|nil err
function M.base_url(env_name, default, ctx)
  if not settings.is_set(env_name) then return default end
  local url = preflight.env.get(env_name):gsub("/+$", "")
  if ctx and ctx.mode == "live" and url ~= default then
    return nil, ("%s may not point elsewhere than %s in live mode"):format(env_name, default)
  end
  if not url:match("^https?://[^/?#%s]+$") then
    return nil, ('%s must be a scheme and host like %s, got "%s"'):format(
      env_name, default, messages.mask_url(url))
  end
  return url
end

--- The request timeout (EXCHANGE_TIMEOUT_MS, default 2000).
-- @return integer|nil
-- @return string|nil err
function M.timeout_ms()
  return settings.number("EXCHANGE_TIMEOUT_MS")
end

--- Send one request and decode its JSON body.
-- @param ex table the adapter
-- @param ctx table|nil the check's ctx
-- @param req table {method, path, query, headers, body, hide_query}: path
--   starts with "/"; query is an encoded string or nil; body a string or
--   nil (never shown in messages); hide_query keeps the query
--   (a timestamp and signature) out of messages
-- @return any|nil the decoded body
-- @return table|string the response {status, headers, body, elapsed_ms},
--   or err
function M.call(ex, ctx, req)
  local base, err = ex.base_url(ctx)
  if not base then return nil, err end
  local timeout, terr = M.timeout_ms()
  if not timeout then return nil, terr end
  local method = req.method or "GET"
  local url = base .. req.path
  local q = req.query and req.query ~= "" and ("?" .. req.query) or ""
  local shown = req.hide_query and req.path or (req.path .. q)
  local r, rerr = preflight.http.request{
    method = method, url = url .. q, headers = req.headers, timeout_ms = timeout,
    body = req.body,
  }
  if not r then
    if req.hide_query then rerr = messages.replace(rerr, url .. q, url) end
    return nil, ("%s unreachable: %s"):format(ex.name, rerr)
  end
  local what = ("%s %s"):format(method, shown)
  local doc, derr = preflight.json.decode(r.body)
  if r.status == 429 or r.status == 418 then
    local retry = r.headers["retry-after"]
    return nil, ("%s %s: HTTP %d on %s%s"):format(ex.name,
      r.status == 418 and "banned this IP" or "rate limited", r.status, what,
      retry and (", Retry-After " .. retry .. " s") or ""), r
  end
  if r.status < 200 or r.status > 299 then
    local why = doc and ex.error_text(doc)
    return nil, ("%s %s: HTTP %d%s"):format(ex.name, what, r.status,
      why and (": " .. why) or ""), r
  end
  if doc == nil then
    return nil, ("%s %s: the response is not JSON (%s)"):format(ex.name, what, derr), r
  end
  return doc, r
end

--- A decimal string or number from an exchange as a number.
-- @param v any
-- @return number|nil
function M.num(v)
  if type(v) == "number" then return v end
  if type(v) == "string" and v:match("^%-?%d+%.?%d*$") then return tonumber(v) end
  return nil
end

return M
