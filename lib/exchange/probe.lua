--- exchange.probe: the decisions of the exchange checks, shared by every
--- exchange. Each function takes an exchange name and the check's ctx and
--- returns the check's result (preflight.pass, preflight.fail or
--- preflight.skip); the exchange-specific calls live in the adapters
--- (exchange.binance, exchange.upbit). An exchange not in EXCHANGES is a
--- skip, never a pass: the host fails the run when the check is required
--- (listed in the manifest).
local kpi = require("kpi")
local messages = require("messages")
local settings = require("settings")
local plan = require("exchange.plan")

local M = {}

M.ADAPTERS = { binance = "exchange.binance", upbit = "exchange.upbit" }

local pass, fail = function(...) return preflight.pass(...) end,
  function(...) return preflight.fail(...) end
local function skip(...) return preflight.skip(...) end

--- The adapter of a configured exchange, or a result to return at once
--- (skipped, or a configuration failure).
-- @param name string
-- @return table|nil adapter
-- @return userdata|nil the result when there is no adapter to use
function M.adapter(name)
  local on, err = settings.enabled(name)
  if on == nil then return nil, fail(err) end
  if not on then
    return nil, skip(("%s is not in EXCHANGES (%s)"):format(name,
      settings.get("EXCHANGES")))
  end
  return require(M.ADAPTERS[name])
end

--- The steps every probe shares, in order: the adapter (or a skip), the
--- traded assets, the number setting (when one is named), then fetch. The
--- first failure is the check's result; otherwise decide gets the setting
--- and everything fetch returned.
-- @param name string exchange name
-- @param ctx table the check's ctx
-- @param setting string|nil name of a number setting decide needs
-- @param fetch function (ex, ctx, assets) -> value, ... | nil, err
-- @param decide function (limit, value, ...) -> the check's result
-- @return userdata the check's result
local function probe(name, ctx, setting, fetch, decide)
  local ex, res = M.adapter(name)
  if not ex then return res end
  local assets, err = settings.assets()
  if not assets then return fail(err) end
  local limit
  if setting then
    limit, err = settings.threshold(setting, ctx)
    if not limit then return fail(err) end
  end
  local got = table.pack(fetch(ex, ctx, assets))
  if not got[1] then return fail(got[2]) end
  return decide(limit, table.unpack(got, 1, got.n))
end

--- fail(bad, details) when failed, else pass(good, details).
local function judge(failed, bad, good, details)
  if failed then return fail(bad, details) end
  return pass(good, details)
end

--- The exchange answers and its traded markets are open.
function M.health(name, ctx)
  return probe(name, ctx, nil,
    function(ex, c, assets) return ex.health(c, assets) end,
    function(_, summary) return pass(summary) end)
end

--- The exchange's clock and ours agree within CLOCK_SKEW_MAX_MS.
function M.clock_skew(name, ctx)
  return probe(name, ctx, "CLOCK_SKEW_MAX_MS",
    function(ex, c, assets) return ex.server_time(c, assets) end,
    function(limit, t)
      local skew = t.server_ms - t.local_ms
      local how = ("%s clock is %.1f s %s this host's (%s%s)"):format(name,
        math.abs(skew) / 1000, skew >= 0 and "ahead of" or "behind", t.source,
        t.resolution_ms > 0 and (", +/- %.1f s"):format(t.resolution_ms / 2000) or "")
      return judge(math.abs(skew) > limit,
        ("%s, over the %d ms limit; fix NTP before trading"):format(how, limit),
        ("%s, within %d ms"):format(how, limit),
        { skew_ms = math.floor(skew + 0.5), limit_ms = limit, resolution_ms = t.resolution_ms,
          skew_ms_alert_max = kpi.T.clock.skew_alert_max_ms, skew_ms_kill_max = limit,
          -- a coarse clock (Upbit's Date header) alerts only beyond its resolution
          alert = math.abs(skew) - t.resolution_ms / 2 > kpi.T.clock.skew_alert_max_ms })
    end)
end

--- Rate-limit headroom at or above RATE_LIMIT_MIN_HEADROOM_PCT at start.
--- In a guard cycle the bot's own use counts against the headroom, so
--- low headroom is an alert only (the RUNBOOK's KPI 6); a 418 or 429
--- answer fails in both phases.
function M.rate_limit(name, ctx)
  return probe(name, ctx, "RATE_LIMIT_MIN_HEADROOM_PCT",
    function(ex, c, assets) return ex.headroom(c, assets) end,
    function(min, h)
      local msg = ("%s %s: %d%% headroom"):format(name, h.what, math.floor(h.pct))
      local alert_min = 100 - kpi.T.rate_limit.used_alert_max_pct
      local d = { used = h.used, limit = h.limit, headroom_pct = math.floor(h.pct),
                  headroom_pct_alert_min = alert_min, alert = h.pct < alert_min }
      if kpi.guarding(ctx) then
        return pass(("%s (alert below %d%%)"):format(msg, alert_min), d)
      end
      d.headroom_pct_kill_min = min
      return judge(h.pct < min,
        ("%s < minimum %s%%"):format(msg, tostring(min)),
        ("%s (minimum %s%%)"):format(msg, tostring(min)), d)
    end)
end

--- No more open orders than OPEN_ORDERS_MAX (default 0) at start; in a
--- guard cycle, every open order known to the bot (kpi.open_orders_guard).
function M.open_orders(name, ctx)
  if kpi.guarding(ctx) then
    return probe(name, ctx, nil, function(ex, c) return ex.open_orders(c) end,
      function(_, orders) return kpi.open_orders_guard(name, ctx, orders) end)
  end
  return probe(name, ctx, "OPEN_ORDERS_MAX",
    function(ex, c) return ex.open_orders(c) end,
    function(max, orders)
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
    end)
end

--- Balances, the quote asset and its USD rate, for balance and exposure.
local function holdings(ex, ctx)
  local b, err = ex.balances(ctx)
  if not b then return nil, err end
  local quote, rate = ex.quote_usd(ctx)
  if not quote then return nil, rate end
  return b, quote, rate
end

--- The free balance each side of the planned order spends covers
--- PLANNED_NOTIONAL_USD: the quote currency on the buying leg, each traded
--- asset on the selling leg (exchange.plan says which leg an exchange is).
function M.balance(name, ctx)
  return probe(name, ctx, "PLANNED_NOTIONAL_USD",
    function(ex, c, assets)
      local sides, err = plan.sides(name)
      if not sides then return nil, err end
      local b, quote, rate = holdings(ex, c)
      if not b then return nil, quote end
      local prices
      if sides[#sides] == "sell" then
        prices, err = ex.prices(c, assets)
        if not prices then return nil, err end
      end
      return b, quote, rate, sides, prices, assets
    end,
    function(planned, b, quote, rate, sides, prices, assets)
      if not b.can_trade then
        return fail(("%s account cannot trade (canTrade is false)"):format(name))
      end
      local items, short, d = {}, 0, { planned_usd = planned }
      local function item(side, asset, free, text, usd)
        local ok = usd >= planned
        short = short + (ok and 0 or 1)
        items[#items + 1] = ("%s: free %s %s (%s USD) %s %s USD"):format(plan.LEG[side], asset,
          text, messages.amount(usd), ok and "covers the planned notional" or "< planned notional",
          messages.amount(planned))
        d[asset:lower() .. "_free"], d[asset:lower() .. "_free_usd"] = free, usd
      end
      for _, side in ipairs(sides) do
        if side == "buy" then
          local q = b.assets[quote] or { free = 0 }
          item(side, quote, q.free, messages.amount(q.free), q.free * rate)
        else
          for _, a in ipairs(assets) do
            local h = b.assets[a] or { free = 0 }
            item(side, a, h.free, ("%.8f"):format(h.free), h.free * prices[a] * rate)
          end
        end
      end
      local msg = name .. " " .. table.concat(items, "; ")
      return judge(short > 0, msg, msg, d)
    end)
end

--- The USD value of the traded assets held (free + locked).
local function held_usd(b, rate, prices, assets)
  local held = 0
  for _, a in ipairs(assets) do
    local h = b.assets[a]
    if h then held = held + (h.free + h.locked) * prices[a] * rate end
  end
  return held
end

--- Holdings of the traded assets plus PLANNED_NOTIONAL_USD within the cap
--- (LIVE_MAX_NOTIONAL_USD; in paper mode PAPER_MAX_NOTIONAL_USD unless
--- LIVE_MAX_NOTIONAL_USD is set). In a guard cycle the bot's orders are in
--- the holdings already: the planned notional counts as 0.
function M.exposure(name, ctx)
  return probe(name, ctx, not kpi.guarding(ctx) and "PLANNED_NOTIONAL_USD" or nil,
    function(ex, c, assets)
      local cap, from = settings.cap(c and c.mode or "paper")
      if not cap then return nil, from end
      local b, quote, rate = holdings(ex, c)
      if not b then return nil, quote end
      local prices, err = ex.prices(c, assets)
      if not prices then return nil, err end
      return b, rate, prices, assets, cap, from
    end,
    function(planned, b, rate, prices, assets, cap, from)
      planned = planned or 0
      local held = held_usd(b, rate, prices, assets)
      local total = held + planned
      local msg = ("%s exposure %s USD (holdings %s + planned %s)"):format(name,
        messages.amount(total), messages.amount(held), messages.amount(planned))
      return judge(total > cap,
        ("%s > cap %s USD (%s)"):format(msg, messages.amount(cap), from),
        ("%s within cap %s USD (%s)"):format(msg, messages.amount(cap), from),
        { exposure_usd = total, holdings_usd = held, cap_usd = cap })
    end)
end

--- The planned orders of an exchange (exchange.plan): one per traded
--- asset and side, each with the problems its market's rules find.
local function planned_orders(name, ex, ctx)
  local sides, err = plan.sides(name)
  if not sides then return nil, err end
  local planned, assets = plan.size(ctx)
  if not planned then return nil, assets end
  local orders = {}
  for _, a in ipairs(assets) do
    for _, side in ipairs(sides) do
      local o, bad = ex.order_plan(ctx, a, side, planned)
      if not o then return nil, bad end
      o.leg, o.problems = plan.LEG[side], bad
      orders[#orders + 1] = o
    end
  end
  return orders
end

--- The planned orders satisfy their markets' rules (Binance exchangeInfo
--- filters, Upbit /v1/orders/chance).
function M.order_rules(name, ctx)
  local ex, res = M.adapter(name)
  if not ex then return res end
  local orders, err = planned_orders(name, ex, ctx)
  if not orders then return fail(err) end
  local bad, shown = {}, {}
  for _, o in ipairs(orders) do
    for _, p in ipairs(o.problems) do bad[#bad + 1] = p end
    shown[#shown + 1] = ("%s (%s)"):format(o.text, o.leg)
  end
  if #bad > 0 then
    return fail(("%s planned order breaks the market's rules: %s"):format(name,
      messages.join(bad)), { problems = #bad, orders = #orders })
  end
  return pass(("%s planned order within the market's rules: %s"):format(name,
    messages.join(shown)), { orders = #orders })
end

--- The exchange accepts a dry run of every planned order on its signed
--- order path (nothing is placed).
function M.order_test(name, ctx)
  local ex, res = M.adapter(name)
  if not ex then return res end
  local orders, err = planned_orders(name, ex, ctx)
  if not orders then return fail(err) end
  local shown = {}
  for _, o in ipairs(orders) do
    local ok, terr = ex.order_test(ctx, o)
    if not ok then return fail(terr) end
    shown[#shown + 1] = o.text
  end
  return pass(("%s accepted the dry run of %s (%s; nothing placed)"):format(name,
    messages.join(shown), ex.ORDER_TEST), { orders = #orders })
end

--- Holdings plus the planned notional of every exchange in EXCHANGES,
--- together, within the cap: the sum of each exchange's exposure figure.
function M.exposure_combined(ctx)
  local names, err = settings.exchanges()
  if not names then return fail(err) end
  local planned, perr = settings.threshold("PLANNED_NOTIONAL_USD", ctx)
  if not planned then return fail(perr) end
  local assets, aerr = settings.assets()
  if not assets then return fail(aerr) end
  local cap, from = settings.cap(ctx and ctx.mode or "paper")
  if not cap then return fail(from) end
  local total, parts, d = 0, {}, { cap_usd = cap, planned_usd = planned }
  for _, name in ipairs(names) do
    local ex = require(M.ADAPTERS[name])
    local b, quote, rate = holdings(ex, ctx)
    if not b then return fail(quote) end
    local prices, xerr = ex.prices(ctx, assets)
    if not prices then return fail(xerr) end
    local e = held_usd(b, rate, prices, assets) + planned
    total = total + e
    parts[#parts + 1] = ("%s %s"):format(name, messages.amount(e))
    d[name .. "_exposure_usd"] = e
  end
  d.exposure_usd = total
  local msg = ("combined exposure %s USD (%s; each holdings + planned %s)"):format(
    messages.amount(total), table.concat(parts, " + "), messages.amount(planned))
  return judge(total > cap,
    ("%s > cap %s USD (%s)"):format(msg, messages.amount(cap), from),
    ("%s within cap %s USD (%s)"):format(msg, messages.amount(cap), from), d)
end

--- The KRW/USD rate implied by Upbit's KRW-USDT price lies within
--- FX_MAX_DEVIATION_PCT of FX_KRW_PER_USD: a wrong rate would value every
--- KRW amount (balance, exposure, the planned order) wrongly in USD.
function M.krw_usd_sanity(ctx)
  local ex, res = M.adapter("upbit")
  if not ex then return res end
  local q = settings.get("UPBIT_QUOTE")
  if q ~= "KRW" then
    return skip(("UPBIT_QUOTE is %s: no KRW amount is converted to USD"):format(q))
  end
  local ref, err = settings.number("FX_KRW_PER_USD")
  if not ref then return fail(err) end
  local max, merr = settings.threshold("FX_MAX_DEVIATION_PCT", ctx)
  if not max then return fail(merr) end
  local t, terr = ex.tickers(ctx, { ex.USD_MARKET })
  if not t then return fail(terr) end
  local p = t[ex.USD_MARKET]
  if not p or p <= 0 then return fail("upbit has no KRW-USDT price") end
  local dev = math.abs(p - ref) / ref * 100
  local msg = ("upbit KRW-USDT %s KRW is %.1f%% from FX_KRW_PER_USD %s"):format(
    plan.plain(p), dev, plan.plain(ref))
  return judge(dev > max,
    ("%s, over the %s%% limit: KRW amounts would be valued wrongly in USD"):format(msg,
      plan.plain(max)),
    ("%s, within %s%%"):format(msg, plan.plain(max)),
    { krw_per_usdt = p, fx_krw_per_usd = ref, deviation_pct = dev })
end

--- KPI 9: the exchange's balances against the bot's expected balances
--- (kpi.balance_drift).
function M.balance_drift(name, ctx)
  local ex, res = M.adapter(name)
  if not ex then return res end
  local assets, err = settings.assets()
  if not assets then return fail(err) end
  return kpi.balance_drift(name, ctx, ex, assets)
end

return M
