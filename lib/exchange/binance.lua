--- exchange.binance: the Binance spot REST API adapter: base URL,
--- request signing (HMAC-SHA256 of the query, hex, with X-MBX-APIKEY),
--- the used-weight header, and the calls the preflight makes. Every call
--- returns a value or nil, err.
local api = require("exchange.api")
local settings = require("settings")

local M = {}

M.name = "binance"
M.DEFAULT_BASE = "https://api.binance.com"
M.RECV_WINDOW = 5000
--- The published REQUEST_WEIGHT limit per minute, used when exchangeInfo
--- does not list one.
M.DEFAULT_WEIGHT_LIMIT = 6000
--- Quote assets valued 1:1 in USD.
M.USD_QUOTES = { USDT = true, USDC = true, FDUSD = true, USD = true }

--- Base URL: BINANCE_BASE_URL or https://api.binance.com.
function M.base_url(ctx)
  return api.base_url("BINANCE_BASE_URL", M.DEFAULT_BASE, ctx)
end

--- The exchange's error in a decoded error body: "-1121 Invalid symbol.".
-- @param doc any
-- @return string|nil
function M.error_text(doc)
  if type(doc) == "table" and type(doc.code) == "number" and type(doc.msg) == "string" then
    return ("%d %s"):format(math.floor(doc.code), doc.msg)
  end
  return nil
end

--- The HMAC-SHA256 signature of a query string, lower-case hex.
-- @param secret string
-- @param query string
-- @return string
function M.sign(secret, query)
  return preflight.crypto.hmac_sha256(secret, query, "hex")
end

--- The signed form of a query: params, recvWindow, timestamp, signature.
-- @param params table|nil ordered {name, value} pairs
-- @param secret string
-- @param now_ms integer
-- @return string
function M.signed_query(params, secret, now_ms)
  local p = {}
  for _, kv in ipairs(params or {}) do p[#p + 1] = kv end
  p[#p + 1] = { "recvWindow", M.RECV_WINDOW }
  p[#p + 1] = { "timestamp", ("%d"):format(now_ms) }
  local q = api.query(p)
  return q .. "&signature=" .. M.sign(secret, q)
end

--- A public GET.
function M.public(ctx, path, params)
  return api.call(M, ctx, { path = path, query = api.query(params) })
end

--- A signed (USER_DATA) GET with the API key and secret from the
--- environment.
function M.signed(ctx, path, params)
  local key, kerr = settings.need("BINANCE_API_KEY")
  if not key then return nil, kerr end
  local secret, serr = settings.need("BINANCE_API_SECRET")
  if not secret then return nil, serr end
  local now_ms = math.floor(preflight.clock.now() * 1000)
  return api.call(M, ctx, {
    path = path, query = M.signed_query(params, secret, now_ms),
    headers = { ["X-MBX-APIKEY"] = key }, hide_query = true,
  })
end

--- The spot symbol of an asset against BINANCE_QUOTE ("BTCUSDT").
function M.symbol(asset)
  return asset .. settings.get("BINANCE_QUOTE")
end

--- The quote asset and its USD value per unit.
-- @return string|nil quote
-- @return number|string rate, or err
function M.quote_usd()
  local q = settings.get("BINANCE_QUOTE")
  if not M.USD_QUOTES[q] then
    return nil, ("BINANCE_QUOTE %s has no USD value here (use one of USDT, USDC, FDUSD)"):format(q)
  end
  return q, 1
end

--- X-MBX-USED-WEIGHT-1M of a response.
-- @param headers table lower-cased names
-- @return integer|nil
-- @return string|nil err
function M.used_weight(headers)
  local v = headers["x-mbx-used-weight-1m"]
  if v == nil then return nil, "binance sent no X-MBX-USED-WEIGHT-1M header" end
  if not v:match("^%d+$") then
    return nil, ('binance X-MBX-USED-WEIGHT-1M is "%s", not a number'):format(v)
  end
  return tonumber(v)
end

--- The REQUEST_WEIGHT per-minute limit in an exchangeInfo document.
-- @param info table
-- @return integer
function M.weight_limit(info)
  for _, l in ipairs(type(info.rateLimits) == "table" and info.rateLimits or {}) do
    if type(l) == "table" and l.rateLimitType == "REQUEST_WEIGHT" and l.interval == "MINUTE"
        and l.intervalNum == 1 and type(l.limit) == "number" and l.limit >= 1 then
      return math.floor(l.limit)
    end
  end
  return M.DEFAULT_WEIGHT_LIMIT
end

--- exchangeInfo for one asset's symbol.
-- @return table|nil info
-- @return table|string response, or err
function M.exchange_info(ctx, asset)
  return M.public(ctx, "/api/v3/exchangeInfo", { { "symbol", M.symbol(asset) } })
end

--- Health: ping, then every traded symbol must be TRADING.
-- @return string|nil a summary
-- @return string|nil err
function M.health(ctx, assets)
  local pong, err = M.public(ctx, "/api/v3/ping")
  if not pong then return nil, err end
  local seen = {}
  for _, a in ipairs(assets) do
    local info, ierr = M.exchange_info(ctx, a)
    if not info then return nil, ierr end
    local sym, status = M.symbol(a), nil
    for _, s in ipairs(type(info.symbols) == "table" and info.symbols or {}) do
      if type(s) == "table" and s.symbol == sym then status = s.status end
    end
    if status == nil then return nil, ("binance does not list %s"):format(sym) end
    if status ~= "TRADING" then
      return nil, ("binance market %s is %s, want TRADING"):format(sym, tostring(status))
    end
    seen[#seen + 1] = sym
  end
  return ("binance answers ping; %s TRADING"):format(table.concat(seen, ", "))
end

--- Server time against the local clock.
-- @return table|nil {server_ms, local_ms, resolution_ms, source}
-- @return string|nil err
function M.server_time(ctx)
  local t0 = preflight.clock.now()
  local doc, err = M.public(ctx, "/api/v3/time")
  local t1 = preflight.clock.now()
  if not doc then return nil, err end
  if type(doc) ~= "table" or type(doc.serverTime) ~= "number" then
    return nil, "binance /api/v3/time has no serverTime"
  end
  return { server_ms = math.floor(doc.serverTime), local_ms = (t0 + t1) / 2 * 1000,
           resolution_ms = 0, source = "/api/v3/time" }
end

--- Rate-limit headroom: the used weight against the per-minute limit, both
--- from one exchangeInfo response.
-- @return table|nil {used, limit, pct, what}
-- @return string|nil err
function M.headroom(ctx, assets)
  local info, r = M.exchange_info(ctx, assets[1])
  if not info then return nil, r end
  local used, err = M.used_weight(r.headers)
  if not used then return nil, err end
  local limit = M.weight_limit(info)
  return { used = used, limit = limit, pct = (limit - used) / limit * 100,
           what = ("request weight %d of %d per minute used"):format(used, limit) }
end

--- Open orders on every symbol.
-- @return table|nil list of {symbol, side, qty, price, id, client_id,
--   created_ms} (the last three nil when absent)
-- @return string|nil err
function M.open_orders(ctx)
  local doc, err = M.signed(ctx, "/api/v3/openOrders")
  if not doc then return nil, err end
  if type(doc) ~= "table" then return nil, "binance openOrders is not a list" end
  local out = {}
  for _, o in ipairs(doc) do
    out[#out + 1] = { symbol = tostring(o.symbol), side = tostring(o.side),
                      qty = tostring(o.origQty), price = tostring(o.price),
                      id = type(o.orderId) == "number" and ("%.0f"):format(o.orderId) or nil,
                      client_id = type(o.clientOrderId) == "string" and o.clientOrderId or nil,
                      created_ms = type(o.time) == "number" and o.time or nil }
  end
  return out
end

--- Balances by asset, and whether the account may trade.
-- @return table|nil {assets = {ASSET = {free, locked}}, can_trade}
-- @return string|nil err
function M.balances(ctx)
  local doc, err = M.signed(ctx, "/api/v3/account", { { "omitZeroBalances", "true" } })
  if not doc then return nil, err end
  if type(doc.balances) ~= "table" then return nil, "binance account has no balances list" end
  local assets = {}
  for _, b in ipairs(doc.balances) do
    local free, locked = api.num(b.free), api.num(b.locked)
    if type(b.asset) ~= "string" or not free or not locked then
      return nil, "binance account lists a malformed balance"
    end
    assets[b.asset] = { free = free, locked = locked }
  end
  return { assets = assets, can_trade = doc.canTrade ~= false }
end

--- Last prices of the traded assets in the quote asset.
-- @return table|nil {ASSET = price}
-- @return string|nil err
function M.prices(ctx, assets)
  local out = {}
  for _, a in ipairs(assets) do
    local sym = M.symbol(a)
    local doc, err = M.public(ctx, "/api/v3/ticker/price", { { "symbol", sym } })
    if not doc then return nil, err end
    local p = api.num(doc.price)
    if not p or p <= 0 then return nil, ("binance has no price for %s"):format(sym) end
    out[a] = p
  end
  return out
end

return M
