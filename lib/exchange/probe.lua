--- exchange.probe: the decisions of the exchange checks, shared by every
--- exchange. Each function takes an exchange name and the check's ctx and
--- returns the check's result (preflight.pass or preflight.fail); the
--- exchange-specific calls live in the adapters (exchange.binance,
--- exchange.upbit). An exchange not in EXCHANGES passes as skipped.
local messages = require("messages")
local settings = require("settings")

local M = {}

M.ADAPTERS = { binance = "exchange.binance", upbit = "exchange.upbit" }

local pass, fail = function(...) return preflight.pass(...) end,
  function(...) return preflight.fail(...) end

--- The adapter of a configured exchange, or a result to return at once
--- (skipped, or a configuration failure).
-- @param name string
-- @return table|nil adapter
-- @return userdata|nil the result when there is no adapter to use
function M.adapter(name)
  local on, err = settings.enabled(name)
  if on == nil then return nil, fail(err) end
  if not on then
    return nil, pass(("%s is not in EXCHANGES (%s); skipped"):format(name,
      settings.get("EXCHANGES")), { skipped = true })
  end
  return require(M.ADAPTERS[name])
end

--- Adapter and traded assets, or a result.
local function prepare(name)
  local ex, res = M.adapter(name)
  if not ex then return nil, nil, res end
  local assets, err = settings.assets()
  if not assets then return nil, nil, fail(err) end
  return ex, assets
end

--- The exchange answers and its traded markets are open.
function M.health(name, ctx)
  local ex, assets, res = prepare(name)
  if not ex then return res end
  local summary, err = ex.health(ctx, assets)
  if not summary then return fail(err) end
  return pass(summary)
end

--- The exchange's clock and ours agree within CLOCK_SKEW_MAX_MS.
function M.clock_skew(name, ctx)
  local ex, assets, res = prepare(name)
  if not ex then return res end
  local limit, lerr = settings.number("CLOCK_SKEW_MAX_MS")
  if not limit then return fail(lerr) end
  local t, err = ex.server_time(ctx, assets)
  if not t then return fail(err) end
  local skew = t.server_ms - t.local_ms
  local how = ("%s clock is %.1f s %s this host's (%s%s)"):format(name,
    math.abs(skew) / 1000, skew >= 0 and "ahead of" or "behind", t.source,
    t.resolution_ms > 0 and (", +/- %.1f s"):format(t.resolution_ms / 2000) or "")
  local details = { skew_ms = math.floor(skew + 0.5), limit_ms = limit }
  if math.abs(skew) > limit then
    return fail(("%s, over the %d ms limit; fix NTP before trading"):format(how, limit),
      details)
  end
  return pass(("%s, within %d ms"):format(how, limit), details)
end

--- Rate-limit headroom at or above RATE_LIMIT_MIN_HEADROOM_PCT.
function M.rate_limit(name, ctx)
  local ex, assets, res = prepare(name)
  if not ex then return res end
  local min, merr = settings.number("RATE_LIMIT_MIN_HEADROOM_PCT")
  if not min then return fail(merr) end
  local h, err = ex.headroom(ctx, assets)
  if not h then return fail(err) end
  local msg = ("%s %s: %d%% headroom"):format(name, h.what, math.floor(h.pct))
  local details = { used = h.used, limit = h.limit, headroom_pct = math.floor(h.pct) }
  if h.pct < min then
    return fail(("%s < minimum %s%%"):format(msg, tostring(min)), details)
  end
  return pass(("%s (minimum %s%%)"):format(msg, tostring(min)), details)
end

--- No more open orders than OPEN_ORDERS_MAX (default 0).
function M.open_orders(name, ctx)
  local ex, _, res = prepare(name)
  if not ex then return res end
  local max, merr = settings.number("OPEN_ORDERS_MAX")
  if not max then return fail(merr) end
  local orders, err = ex.open_orders(ctx)
  if not orders then return fail(err) end
  if #orders > max then
    local shown = {}
    for i = 1, math.min(#orders, 5) do
      local o = orders[i]
      shown[i] = ("%s %s %s @ %s"):format(o.symbol, o.side, o.qty, o.price)
    end
    return fail(("open orders %d > limit %d on %s: %s%s"):format(#orders, max, name,
      messages.join(shown), #orders > 5 and ", ..." or ""), { open_orders = #orders })
  end
  return pass(("open orders %d <= limit %d on %s"):format(#orders, max, name),
    { open_orders = #orders })
end

--- Balances, USD rate of the quote, and prices, for balance and exposure.
local function holdings(ex, ctx)
  local b, err = ex.balances(ctx)
  if not b then return nil, err end
  local quote, rate = ex.quote_usd(ctx)
  if not quote then return nil, rate end
  return b, quote, rate
end

--- Free quote balance covers PLANNED_NOTIONAL_USD.
function M.balance(name, ctx)
  local ex, _, res = prepare(name)
  if not ex then return res end
  local planned, perr = settings.number("PLANNED_NOTIONAL_USD")
  if not planned then return fail(perr) end
  local b, quote, rate = holdings(ex, ctx)
  if not b then return fail(quote) end
  if not b.can_trade then
    return fail(("%s account cannot trade (canTrade is false)"):format(name))
  end
  local q = b.assets[quote] or { free = 0, locked = 0 }
  local usd = q.free * rate
  local have = ("%s free %s %s (%s USD)"):format(name, quote, messages.amount(q.free),
    messages.amount(usd))
  local details = { free = q.free, free_usd = usd, planned_usd = planned }
  if usd < planned then
    return fail(("%s < planned notional %s USD"):format(have, messages.amount(planned)), details)
  end
  return pass(("%s covers the planned notional %s USD"):format(have, messages.amount(planned)),
    details)
end

--- Holdings of the traded assets plus PLANNED_NOTIONAL_USD within the cap
--- (LIVE_MAX_NOTIONAL_USD; in paper mode PAPER_MAX_NOTIONAL_USD unless
--- LIVE_MAX_NOTIONAL_USD is set).
function M.exposure(name, ctx)
  local ex, assets, res = prepare(name)
  if not ex then return res end
  local planned, perr = settings.number("PLANNED_NOTIONAL_USD")
  if not planned then return fail(perr) end
  local cap, from = settings.cap(ctx and ctx.mode or "paper")
  if not cap then return fail(from) end
  local b, quote, rate = holdings(ex, ctx)
  if not b then return fail(quote) end
  local prices, err = ex.prices(ctx, assets)
  if not prices then return fail(err) end
  local held = 0
  for _, a in ipairs(assets) do
    local h = b.assets[a]
    if h then held = held + (h.free + h.locked) * prices[a] * rate end
  end
  local total = held + planned
  local msg = ("%s exposure %s USD (holdings %s + planned %s)"):format(name,
    messages.amount(total), messages.amount(held), messages.amount(planned))
  local details = { exposure_usd = total, holdings_usd = held, cap_usd = cap }
  if total > cap then
    return fail(("%s > cap %s USD (%s)"):format(msg, messages.amount(cap), from), details)
  end
  return pass(("%s within cap %s USD (%s)"):format(msg, messages.amount(cap), from), details)
end

return M
