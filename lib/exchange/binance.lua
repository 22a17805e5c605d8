--- exchange.binance: the Binance spot REST API adapter: base URL,
--- request signing (HMAC-SHA256 of the query, hex, with X-MBX-APIKEY),
--- the used-weight header, and the calls the preflight makes. Every call
--- returns a value or nil, err.
local api = require("exchange.api")
local settings = require("settings")
local plan = require("exchange.plan")

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
  return M.signed_call(ctx, "GET", path, params)
end

--- A signed request of any method (TRADE endpoints are POSTs); the
--- parameters travel in the query, as Binance allows for every method.
function M.signed_call(ctx, method, path, params)
  local key, kerr = settings.need("BINANCE_API_KEY")
  if not key then return nil, kerr end
  local secret, serr = settings.need("BINANCE_API_SECRET")
  if not secret then return nil, serr end
  local now_ms = math.floor(preflight.clock.now() * 1000)
  return api.call(M, ctx, {
    method = method, path = path, query = M.signed_query(params, secret, now_ms),
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

-- ---- the planned order: exchangeInfo filters and POST /api/v3/order/test ----

--- The dry-run endpoint, for messages.
M.ORDER_TEST = "POST /api/v3/order/test"
--- Fields a successful POST /api/v3/order/test answer may hold (`{}`, or
--- the commission rates when computeCommissionRates is asked for).
M.ORDER_TEST_FIELDS = {
  standardCommissionForOrder = true, specialCommissionForOrder = true,
  taxCommissionForOrder = true, discount = true,
}

--- The entry of one symbol in an exchangeInfo document.
-- @return table|nil
-- @return string|nil err
function M.symbol_info(info, sym)
  for _, s in ipairs(type(info) == "table" and type(info.symbols) == "table"
      and info.symbols or {}) do
    if type(s) == "table" and s.symbol == sym then return s end
  end
  return nil, ("binance does not list %s"):format(sym)
end

--- The filters of a symbol the planned LIMIT order must satisfy:
--- PRICE_FILTER {min, max, tick}, LOT_SIZE {min, max, step} and the
--- notional bounds of MIN_NOTIONAL and NOTIONAL {min, max} (0 = no bound,
--- as Binance uses it). A missing or malformed filter is an error: an
--- order is never judged against rules that were not read.
-- @param s table the symbol's exchangeInfo entry
-- @return table|nil {price, lot, notional}
-- @return string|nil err
function M.order_filters(s)
  local by = {}
  for _, f in ipairs(type(s.filters) == "table" and s.filters or {}) do
    if type(f) == "table" and type(f.filterType) == "string" then by[f.filterType] = f end
  end
  local function nums(ft, ...)
    local f, out = by[ft], {}
    if not f then return nil end
    for i, k in ipairs({ ... }) do
      out[i] = api.num(f[k])
      if not out[i] or out[i] < 0 then return nil end
    end
    return out
  end
  local sym = tostring(s.symbol)
  local p = nums("PRICE_FILTER", "minPrice", "maxPrice", "tickSize")
  if not p then return nil, ("binance %s has no well-formed PRICE_FILTER"):format(sym) end
  local l = nums("LOT_SIZE", "minQty", "maxQty", "stepSize")
  if not l or l[3] <= 0 then
    return nil, ("binance %s has no well-formed LOT_SIZE"):format(sym)
  end
  local out = {
    price = { min = p[1], max = p[2], tick = p[3], dec = plan.decimals(by.PRICE_FILTER.tickSize) },
    lot = { min = l[1], max = l[2], step = l[3], dec = plan.decimals(by.LOT_SIZE.stepSize) },
    notional = {},
  }
  local mn, nt = by.MIN_NOTIONAL, by.NOTIONAL
  if not mn and not nt then
    return nil, ("binance %s has no MIN_NOTIONAL or NOTIONAL filter"):format(sym)
  end
  if mn then
    local v = nums("MIN_NOTIONAL", "minNotional")
    if not v then return nil, ("binance %s has a malformed MIN_NOTIONAL"):format(sym) end
    out.notional[#out.notional + 1] = { name = "MIN_NOTIONAL", min = v[1], max = 0 }
  end
  if nt then
    local v = nums("NOTIONAL", "minNotional", "maxNotional")
    if not v then return nil, ("binance %s has a malformed NOTIONAL"):format(sym) end
    out.notional[#out.notional + 1] = { name = "NOTIONAL", min = v[1], max = v[2] }
  end
  return out
end

--- The planned LIMIT order on one symbol and what its filters say of it.
--- Price: the last price, rounded down to tickSize; quantity: the planned
--- notional in the quote asset over that price, rounded down to stepSize.
-- @param ctx table
-- @param asset string
-- @param side string "buy" or "sell"
-- @param planned_usd number
-- @return table|nil order {symbol, side, price, price_s, qty, qty_s,
--   notional, quote}
-- @return table|string problems (a list of strings, empty when it
--   satisfies every filter), or err
function M.order_plan(ctx, asset, side, planned_usd)
  local quote, rate = M.quote_usd()
  if not quote then return nil, rate end
  local sym = M.symbol(asset)
  local info, ierr = M.exchange_info(ctx, asset)
  if not info then return nil, ierr end
  local s, serr = M.symbol_info(info, sym)
  if not s then return nil, serr end
  local f, ferr = M.order_filters(s)
  if not f then return nil, ferr end
  local prices, perr = M.prices(ctx, { asset })
  if not prices then return nil, perr end
  local o = { symbol = sym, side = side:upper(), quote = quote }
  if f.price.tick > 0 then
    o.price, o.price_s = plan.floor_to(prices[asset], f.price.tick, f.price.dec)
  else
    o.price, o.price_s = prices[asset], plan.plain(prices[asset])
  end
  if o.price <= 0 then
    return nil, ("binance %s last price %s is below tickSize %s"):format(sym,
      plan.plain(prices[asset]), plan.plain(f.price.tick))
  end
  o.qty, o.qty_s = plan.floor_to(planned_usd / rate / o.price, f.lot.step, f.lot.dec)
  o.notional = o.qty * o.price
  o.text = ("%s %s %s @ %s = %.2f %s"):format(sym, o.side, o.qty_s, o.price_s, o.notional, quote)
  local bad, what = {}, ("%s %s"):format(sym, o.side)
  local function need(ok, fmt, ...)
    if not ok then bad[#bad + 1] = what .. " " .. fmt:format(...) end
  end
  need(s.status == "TRADING", "market is %s, not TRADING", tostring(s.status))
  need(s.isSpotTradingAllowed ~= false, "spot trading is not allowed")
  local limit_ok = false
  for _, t in ipairs(type(s.orderTypes) == "table" and s.orderTypes or {}) do
    limit_ok = limit_ok or t == "LIMIT"
  end
  need(limit_ok, "LIMIT orders are not allowed")
  need(f.price.min == 0 or o.price >= f.price.min, "price %s < PRICE_FILTER minPrice %s",
    o.price_s, plan.plain(f.price.min))
  need(f.price.max == 0 or o.price <= f.price.max, "price %s > PRICE_FILTER maxPrice %s",
    o.price_s, plan.plain(f.price.max))
  need(o.qty >= f.lot.min and o.qty > 0, "quantity %s < LOT_SIZE minQty %s", o.qty_s,
    plan.plain(f.lot.min))
  need(f.lot.max == 0 or o.qty <= f.lot.max, "quantity %s > LOT_SIZE maxQty %s", o.qty_s,
    plan.plain(f.lot.max))
  for _, n in ipairs(f.notional) do
    need(o.notional >= n.min, "notional %.2f %s < %s minNotional %s", o.notional, quote,
      n.name, plan.plain(n.min))
    need(n.max == 0 or o.notional <= n.max, "notional %.2f %s > %s maxNotional %s",
      o.notional, quote, n.name, plan.plain(n.max))
  end
  return o, bad
end

--- Dry-run the signed order path: POST /api/v3/order/test with the
--- planned order (validated by the matching engine's rules, never sent
--- to it). The answer must be a JSON object of the documented fields.
-- @param ctx table
-- @param o table an order from M.order_plan
-- @return boolean|nil true
-- @return string|nil err
function M.order_test(ctx, o)
  local doc, r = M.signed_call(ctx, "POST", "/api/v3/order/test", {
    { "symbol", o.symbol }, { "side", o.side }, { "type", "LIMIT" },
    { "timeInForce", "GTC" }, { "quantity", o.qty_s }, { "price", o.price_s },
  })
  if not doc then return nil, r end
  if type(doc) ~= "table" or not r.body:match("^%s*{") then
    return nil, "binance POST /api/v3/order/test: the answer is not a JSON object"
  end
  for k in pairs(doc) do
    if not M.ORDER_TEST_FIELDS[k] then
      return nil, ('binance POST /api/v3/order/test: unexpected "%s" in the answer'):format(
        tostring(k))
    end
  end
  return true
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

--- Whether a decoded JSON value is a list (an array, or empty).
local function is_list(doc)
  return type(doc) == "table" and (next(doc) == nil or doc[1] ~= nil)
end

--- The API key's restrictions: GET /sapi/v1/account/apiRestrictions
--- (signed). A field that is not true/false, or an expiry that is not a
--- positive number of milliseconds, is an error, never a default.
-- @return table|nil {ip_restrict, withdrawals, spot_trading, expires_ms}
--   (expires_ms nil: the response has no tradingAuthorityExpirationTime)
-- @return string|nil err
function M.key_permissions(ctx)
  local doc, err = M.signed(ctx, "/sapi/v1/account/apiRestrictions")
  if not doc then return nil, err end
  if type(doc) ~= "table" then return nil, "binance apiRestrictions is not an object" end
  for _, f in ipairs({ "ipRestrict", "enableWithdrawals", "enableSpotAndMarginTrading" }) do
    if type(doc[f]) ~= "boolean" then
      return nil, ("binance apiRestrictions has no true/false %s"):format(f)
    end
  end
  local exp = doc.tradingAuthorityExpirationTime
  if exp ~= nil and (type(exp) ~= "number" or exp ~= exp or exp <= 0 or exp >= 253402300800000) then
    return nil, "binance apiRestrictions tradingAuthorityExpirationTime is not a time in ms"
  end
  return { ip_restrict = doc.ipRestrict, withdrawals = doc.enableWithdrawals,
           spot_trading = doc.enableSpotAndMarginTrading, expires_ms = exp }
end

--- System status: GET /sapi/v1/system/status; 0 is normal.
-- @return string|nil a summary
-- @return string|nil err (maintenance, or an unreadable answer)
function M.system_status(ctx)
  local doc, err = M.public(ctx, "/sapi/v1/system/status")
  if not doc then return nil, err end
  local st = type(doc) == "table" and doc.status
  if type(st) ~= "number" or st ~= math.floor(st) or math.abs(st) > 1e6 then
    return nil, "binance /sapi/v1/system/status has no whole-number status"
  end
  local msg = type(doc.msg) == "string" and doc.msg:sub(1, 64) or "no msg"
  if st ~= 0 then
    return nil, ("binance system status %d (%s), want 0 (normal): wait for the"
      .. " maintenance to end"):format(math.floor(st), msg)
  end
  return ("binance system status 0 (%s)"):format(msg)
end

--- Deposit and withdrawal status of every traded asset:
--- GET /sapi/v1/capital/config/getall (signed). Each asset must be listed
--- with depositAllEnable and withdrawAllEnable true and at least one
--- network open for both deposit and withdrawal.
-- @return string|nil a summary
-- @return string|nil err
function M.wallet_status(ctx, assets)
  local doc, err = M.signed(ctx, "/sapi/v1/capital/config/getall")
  if not doc then return nil, err end
  if not is_list(doc) then return nil, "binance capital/config/getall is not a list" end
  local by = {}
  for _, c in ipairs(doc) do
    if type(c) ~= "table" or type(c.coin) ~= "string" then
      return nil, "binance capital/config/getall lists a malformed coin"
    end
    by[c.coin] = c
  end
  local seen = {}
  for _, a in ipairs(assets) do
    local c = by[a]
    if not c then return nil, ("binance capital/config/getall does not list %s"):format(a) end
    if type(c.depositAllEnable) ~= "boolean" or type(c.withdrawAllEnable) ~= "boolean"
        or not is_list(c.networkList) then
      return nil, ("binance capital/config/getall has a malformed entry for %s"):format(a)
    end
    if not c.depositAllEnable then
      return nil, ("binance %s deposits are suspended (depositAllEnable false)"):format(a)
    end
    if not c.withdrawAllEnable then
      return nil, ("binance %s withdrawals are suspended (withdrawAllEnable false)"):format(a)
    end
    local open, closed = {}, {}
    for _, n in ipairs(c.networkList) do
      if type(n) ~= "table" or type(n.network) ~= "string"
          or type(n.depositEnable) ~= "boolean" or type(n.withdrawEnable) ~= "boolean" then
        return nil, ("binance capital/config/getall lists a malformed network for %s"):format(a)
      end
      if n.depositEnable and n.withdrawEnable then
        open[#open + 1] = n.network
      else
        closed[#closed + 1] = ("%s %s"):format(n.network,
          not n.depositEnable and (n.withdrawEnable and "deposits closed" or "closed")
          or "withdrawals closed")
      end
    end
    if #open == 0 then
      return nil, ("binance %s has no network open for both deposit and withdrawal%s"):format(
        a, #closed > 0 and (" (" .. table.concat(closed, ", ") .. ")") or "")
    end
    seen[#seen + 1] = ("%s (%s)"):format(a, table.concat(open, ", "))
  end
  return ("binance deposits and withdrawals open: %s"):format(table.concat(seen, "; "))
end

return M
