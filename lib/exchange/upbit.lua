--- exchange.upbit: the Upbit REST API adapter: base URL, JWT auth
--- (HS256 with access_key, nonce and, for a query, its SHA-512
--- query_hash), the Remaining-Req header, the Date header as the server
--- clock, and the calls the preflight makes. Every call returns a value or
--- nil, err.
local api = require("exchange.api")
local httpdate = require("httpdate")
local isodate = require("isodate")
local jwt = require("jwt")
local kpi = require("kpi")
local settings = require("settings")
local plan = require("exchange.plan")

local M = {}

M.name = "upbit"
M.DEFAULT_BASE = "https://api.upbit.com"
--- Requests per second per Remaining-Req group (Upbit's published limits).
M.GROUP_LIMITS = {
  default = 30, order = 8, ["order-test"] = 8, ["order-cancel-all"] = 1,
  market = 10, ticker = 10, candles = 10, orderbook = 10, trades = 10,
  ["crix-trades"] = 10,
}
--- The market whose price converts KRW to USD (USDT as the USD proxy).
M.USD_MARKET = "KRW-USDT"

--- Base URL: UPBIT_BASE_URL or https://api.upbit.com.
function M.base_url(ctx)
  return api.base_url("UPBIT_BASE_URL", M.DEFAULT_BASE, ctx)
end

--- The exchange's error in a decoded error body: "name: message".
function M.error_text(doc)
  if type(doc) == "table" and type(doc.error) == "table" then
    local e = doc.error
    return ("%s: %s"):format(tostring(e.name), tostring(e.message))
  end
  return nil
end

--- The JWT claims for a request: access_key, nonce and, when there is a
--- query, query_hash (SHA-512 hex of the query string) and its algorithm.
-- @param access string
-- @param nonce string
-- @param query string|nil
-- @return table
function M.claims(access, nonce, query)
  local c = { access_key = access, nonce = nonce }
  if query and query ~= "" then
    c.query_hash = preflight.crypto.sha512(query, "hex")
    c.query_hash_alg = "SHA512"
  end
  return c
end

--- The Authorization header value for a request.
-- @return string|nil "Bearer <jwt>"
-- @return string|nil err
function M.authorization(query)
  local access, aerr = settings.need("UPBIT_ACCESS_KEY")
  if not access then return nil, aerr end
  local secret, serr = settings.need("UPBIT_SECRET_KEY")
  if not secret then return nil, serr end
  local nonce, nerr = preflight.crypto.uuid4()
  if not nonce then return nil, nerr end
  local token, err = jwt.encode(M.claims(access, nonce, query), secret)
  if not token then return nil, err end
  return "Bearer " .. token
end

--- A public GET.
function M.public(ctx, path, params)
  return api.call(M, ctx, { path = path, query = api.query(params) })
end

--- An authenticated GET.
function M.private(ctx, path, params)
  local q = api.query(params)
  local auth, err = M.authorization(q)
  if not auth then return nil, err end
  return api.call(M, ctx, { path = path, query = q, headers = { Authorization = auth } })
end

--- The market of an asset against UPBIT_QUOTE ("KRW-BTC").
function M.market(asset)
  return settings.get("UPBIT_QUOTE") .. "-" .. asset
end

--- Parse Remaining-Req ("group=default; min=1800; sec=29").
-- @param v string|nil
-- @return table|nil {group, sec, min}
-- @return string|nil err
function M.remaining_req(v)
  if v == nil then return nil, "upbit sent no Remaining-Req header" end
  local f = {}
  for k, val in v:gmatch("([%w_-]+)=([%w_-]+)") do f[k] = val end
  local sec = f.sec and f.sec:match("^%d+$") and tonumber(f.sec)
  if not f.group or not sec then
    return nil, ('upbit Remaining-Req "%s" has no group and sec'):format(v)
  end
  return { group = f.group, sec = sec, min = tonumber(f.min or "") }
end

--- Health: /v1/market/all must list every traded market, without an
--- investment warning.
function M.health(ctx, assets)
  local doc, err = M.public(ctx, "/v1/market/all", { { "isDetails", "true" } })
  if not doc then return nil, err end
  if type(doc) ~= "table" then return nil, "upbit /v1/market/all is not a list" end
  local by = {}
  for _, m in ipairs(doc) do
    if type(m) == "table" and type(m.market) == "string" then by[m.market] = m end
  end
  local seen = {}
  for _, a in ipairs(assets) do
    local name = M.market(a)
    local m = by[name]
    if not m then return nil, ("upbit does not list %s"):format(name) end
    local ev = type(m.market_event) == "table" and m.market_event or {}
    if ev.warning == true or m.market_warning == "CAUTION" then
      return nil, ("upbit market %s is under an investment warning (delisting risk)"):format(name)
    end
    seen[#seen + 1] = name
  end
  return ("upbit lists %s"):format(table.concat(seen, ", "))
end

--- Tickers of markets: {MARKET = trade_price}, and the response.
function M.tickers(ctx, markets)
  local doc, r = M.public(ctx, "/v1/ticker", { { "markets", table.concat(markets, ",") } })
  if not doc then return nil, r end
  local out = {}
  for _, t in ipairs(type(doc) == "table" and doc or {}) do
    if type(t) == "table" and type(t.market) == "string" then
      out[t.market] = api.num(t.trade_price)
    end
  end
  return out, r
end

--- Server time from the Date header of a ticker response (1 s
--- resolution).
function M.server_time(ctx, assets)
  local t0 = preflight.clock.now()
  local _, r = M.tickers(ctx, { M.market(assets[1]) })
  local t1 = preflight.clock.now()
  if type(r) ~= "table" then return nil, r end
  local s, err = httpdate.parse(r.headers["date"])
  if not s then return nil, "upbit " .. err end
  return { server_ms = s * 1000 + 500, local_ms = (t0 + t1) / 2 * 1000,
           resolution_ms = 1000, source = "Date header" }
end

--- Rate-limit headroom from Remaining-Req of /v1/accounts (the exchange
--- API's default group).
function M.headroom(ctx)
  local doc, r = M.private(ctx, "/v1/accounts")
  if not doc then return nil, r end
  local rr, err = M.remaining_req(r.headers["remaining-req"])
  if not rr then return nil, err end
  local limit = M.GROUP_LIMITS[rr.group]
  if not limit then
    return nil, ('upbit Remaining-Req group "%s" has no known limit'):format(rr.group)
  end
  return { used = limit - rr.sec, limit = limit, pct = rr.sec / limit * 100,
           what = ("group %s: %d of %d requests per second left"):format(rr.group, rr.sec, limit) }
end

--- Orders per page of /v1/orders/open (its maximum).
M.ORDERS_PAGE = 100
--- Stop paging past this many orders: more than any OPEN_ORDERS_MAX.
M.ORDERS_MAX_COUNTED = 10000

--- Open orders: GET /v1/orders/open (the state=wait listing of
--- /v1/orders is deprecated), waiting orders (state=wait) and reserved
--- ones (state=watch), page by page until a page is not full (or more
--- orders than any limit allows have been counted): {symbol, side, qty,
--- price, id, client_id, created_ms} (the last three nil when absent).
function M.open_orders(ctx)
  local out = {}
  for _, state in ipairs({ "wait", "watch" }) do
    local page = 1
    while true do
      local doc, err = M.private(ctx, "/v1/orders/open", { { "state", state },
        { "page", page }, { "limit", M.ORDERS_PAGE } })
      if not doc then return nil, err end
      if type(doc) ~= "table" or (next(doc) ~= nil and doc[1] == nil) then
        return nil, "upbit /v1/orders/open is not a list"
      end
      for _, o in ipairs(doc) do
        if type(o) ~= "table" then return nil, "upbit /v1/orders/open lists a malformed order" end
        local created = kpi.parse_time(o.created_at)
        out[#out + 1] = { symbol = tostring(o.market), side = tostring(o.side),
                          qty = tostring(o.remaining_volume or o.volume),
                          price = tostring(o.price),
                          id = type(o.uuid) == "string" and o.uuid or nil,
                          client_id = type(o.identifier) == "string" and o.identifier or nil,
                          created_ms = created and created * 1000 or nil }
      end
      if #doc < M.ORDERS_PAGE or #out > M.ORDERS_MAX_COUNTED then break end
      page = page + 1
    end
  end
  return out
end

--- Balances by currency.
function M.balances(ctx)
  local doc, err = M.private(ctx, "/v1/accounts")
  if not doc then return nil, err end
  if type(doc) ~= "table" then return nil, "upbit /v1/accounts is not a list" end
  local assets = {}
  for _, b in ipairs(doc) do
    local free, locked = api.num(b.balance), api.num(b.locked)
    if type(b.currency) ~= "string" or not free or not locked then
      return nil, "upbit /v1/accounts lists a malformed balance"
    end
    assets[b.currency] = { free = free, locked = locked }
  end
  return { assets = assets, can_trade = true }
end

--- The quote currency and its USD value per unit: KRW through the
--- KRW-USDT price; USDT is 1.
function M.quote_usd(ctx)
  local q = settings.get("UPBIT_QUOTE")
  if q == "USDT" then return q, 1 end
  if q ~= "KRW" then
    return nil, ("UPBIT_QUOTE %s has no USD value here (use KRW or USDT)"):format(q)
  end
  local t, err = M.tickers(ctx, { M.USD_MARKET })
  if not t then return nil, err end
  local p = t[M.USD_MARKET]
  if not p or p <= 0 then return nil, "upbit has no KRW-USDT price" end
  return q, 1 / p
end

-- ---- the planned order: GET /v1/orders/chance and POST /v1/orders/test ----

--- The dry-run endpoint, for messages.
M.ORDER_TEST = "POST /v1/orders/test"

--- An authenticated POST with a JSON body. The JWT's query_hash is the
--- SHA-512 of the parameters as a query string, and the body lists them
--- in the same order (Upbit checks the hash against the body).
-- @param params table ordered {name, value} pairs of strings
function M.private_post(ctx, path, params)
  local q = api.query(params)
  local auth, err = M.authorization(q)
  if not auth then return nil, err end
  local parts = {}
  for i, p in ipairs(params) do
    parts[i] = preflight.json.encode(p[1]) .. ":" .. preflight.json.encode(p[2])
  end
  return api.call(M, ctx, {
    method = "POST", path = path, body = "{" .. table.concat(parts, ",") .. "}",
    headers = { Authorization = auth, ["Content-Type"] = "application/json; charset=utf-8" },
  })
end

--- Whether a list holds a value.
local function has(list, v)
  for _, x in ipairs(type(list) == "table" and list or {}) do
    if x == v then return true end
  end
  return false
end

--- The planned LIMIT order on one market and what /v1/orders/chance says
--- of it: the market is active, takes this side and limit orders, and the
--- order's total lies between the side's min_total and max_total. Price:
--- the last trade price (a traded price is on the price unit); volume:
--- the planned notional in KRW over that price, rounded down to 8 digits.
-- @param ctx table
-- @param asset string
-- @param side string "buy" or "sell"
-- @param planned_usd number
-- @return table|nil order {market, side, price, price_s, volume, volume_s,
--   total, quote}
-- @return table|string problems (empty when it satisfies every rule), or err
function M.order_plan(ctx, asset, side, planned_usd)
  local quote, rate = M.quote_usd(ctx)
  if not quote then return nil, rate end
  local market = M.market(asset)
  local doc, err = M.private(ctx, "/v1/orders/chance", { { "market", market } })
  if not doc then return nil, err end
  local m = type(doc) == "table" and doc.market
  local o = { market = market, side = side == "buy" and "bid" or "ask", quote = quote }
  local rules = type(m) == "table" and type(m[o.side]) == "table" and m[o.side]
  local min_total = rules and api.num(rules.min_total)
  local max_total = type(m) == "table" and api.num(m.max_total)
  if not rules or m.id ~= market or type(m.state) ~= "string" or not min_total
      or not max_total then
    return nil, ("upbit /v1/orders/chance?market=%s has no well-formed market rules"):format(market)
  end
  local prices, perr = M.prices(ctx, { asset })
  if not prices then return nil, perr end
  o.price, o.price_s = prices[asset], plan.plain(prices[asset])
  o.volume, o.volume_s = plan.floor_to(planned_usd / rate / o.price, 1e-8, 8)
  o.total = o.volume * o.price
  o.text = ("%s %s %s @ %s = %.0f %s"):format(market, o.side, o.volume_s, o.price_s, o.total,
    quote)
  local bad, what = {}, ("%s %s"):format(market, o.side)
  local function need(ok, fmt, ...)
    if not ok then bad[#bad + 1] = what .. " " .. fmt:format(...) end
  end
  need(m.state == "active", 'market state is "%s", not active', m.state)
  need(has(m.order_sides, o.side), "side is not in order_sides")
  need(has(m[o.side .. "_types"], "limit"), "limit is not in %s_types", o.side)
  need(o.total >= min_total, "total %.0f %s < %s.min_total %s", o.total, quote, o.side,
    plan.plain(min_total))
  need(o.total <= max_total, "total %.0f %s > max_total %s", o.total, quote,
    plan.plain(max_total))
  return o, bad
end

--- Dry-run the order path: POST /v1/orders/test with the planned order
--- (validated like a real order, never placed). The answer must be an
--- order of this market: a uuid, the market and ord_type limit (the side
--- is not compared: one mock fixture answers both sides of a lone Upbit).
-- @param ctx table
-- @param o table an order from M.order_plan
-- @return boolean|nil true
-- @return string|nil err
function M.order_test(ctx, o)
  local doc, err = M.private_post(ctx, "/v1/orders/test", {
    { "market", o.market }, { "side", o.side }, { "volume", o.volume_s },
    { "price", o.price_s }, { "ord_type", "limit" },
  })
  if not doc then return nil, err end
  if type(doc) ~= "table" or type(doc.uuid) ~= "string" or doc.market ~= o.market
      or doc.ord_type ~= "limit" then
    return nil, ("upbit POST /v1/orders/test: the answer is not a %s limit order"):format(
      o.market)
  end
  return true
end

--- Last prices of the traded assets in the quote currency.
function M.prices(ctx, assets)
  local markets = {}
  for i, a in ipairs(assets) do markets[i] = M.market(a) end
  local t, err = M.tickers(ctx, markets)
  if not t then return nil, err end
  local out = {}
  for i, a in ipairs(assets) do
    local p = t[markets[i]]
    if not p or p <= 0 then return nil, ("upbit has no price for %s"):format(markets[i]) end
    out[a] = p
  end
  return out
end

--- The account's API keys: GET /v1/api_keys (JWT; no permission group
--- needed). Only access keys and expiry dates: Upbit does not say here
--- which permissions or IP addresses a key has.
-- @return table|nil list of {access_key, expires_s}
-- @return string|nil err
function M.api_keys(ctx)
  local doc, err = M.private(ctx, "/v1/api_keys")
  if not doc then return nil, err end
  if type(doc) ~= "table" or (next(doc) ~= nil and doc[1] == nil) then
    return nil, "upbit /v1/api_keys is not a list"
  end
  local out = {}
  for _, k in ipairs(doc) do
    if type(k) ~= "table" or type(k.access_key) ~= "string" then
      return nil, "upbit /v1/api_keys lists a malformed key"
    end
    local t, terr = isodate.parse(k.expire_at)
    if not t then return nil, "upbit /v1/api_keys expire_at: " .. terr end
    out[#out + 1] = { access_key = k.access_key, expires_s = t }
  end
  return out
end

--- Deposit and withdrawal status of every traded asset: GET
--- /v1/status/wallet (JWT). Each asset needs a wallet whose wallet_state
--- is "working" (deposits and withdrawals) and block_state "normal".
-- @return string|nil a summary
-- @return string|nil err
function M.wallet_status(ctx, assets)
  local doc, err = M.private(ctx, "/v1/status/wallet")
  if not doc then return nil, err end
  if type(doc) ~= "table" or (next(doc) ~= nil and doc[1] == nil) then
    return nil, "upbit /v1/status/wallet is not a list"
  end
  local by = {}
  for _, w in ipairs(doc) do
    if type(w) ~= "table" or type(w.currency) ~= "string" or type(w.wallet_state) ~= "string" then
      return nil, "upbit /v1/status/wallet lists a malformed wallet"
    end
    by[w.currency] = by[w.currency] or {}
    table.insert(by[w.currency], w)
  end
  local seen = {}
  for _, a in ipairs(assets) do
    local list = by[a]
    if not list then return nil, ("upbit /v1/status/wallet does not list %s"):format(a) end
    local ok, states = nil, {}
    for _, w in ipairs(list) do
      local block = type(w.block_state) == "string" and w.block_state or "unknown"
      local net = type(w.net_type) == "string" and w.net_type or a
      if w.wallet_state == "working" and block == "normal" then ok = ok or net end
      states[#states + 1] = ("%s wallet %s, block %s"):format(net, w.wallet_state:sub(1, 32),
        block:sub(1, 32))
    end
    if not ok then
      return nil, ("upbit %s: %s; want wallet working and block normal"):format(a,
        table.concat(states, "; "))
    end
    seen[#seen + 1] = ("%s (%s)"):format(a, ok)
  end
  return ("upbit wallets working, blocks normal: %s"):format(table.concat(seen, "; "))
end

return M
