--- kpi: the RUNBOOK's KPIs (docs/RUNBOOK.md, "Monitoring KPIs") as check
--- decisions over the bot's own PostgreSQL tables (docs/KPI-SCHEMA.md),
--- read with preflight.db.query through KPI_DATABASE_URL (default
--- DATABASE_URL), ideally a read-only role.
---
--- The thresholds live here, in the locked pack, not in the environment:
--- changing one is a reviewed commit. A kill threshold fails the check (in
--- a guard cycle that stops the bot); an alert threshold only sets the
--- check's details: each measured value KEY goes with KEY_alert_max or
--- KEY_alert_min and KEY_kill_max or KEY_kill_min beside it, and `alert`
--- is true when an alert threshold is crossed, so metrics can alert on
--- them.
---
--- Phases: at start (ctx.phase "start") a check reports what it can: no
--- rows, or no kpi schema at all, is a clean slate and passes with a
--- message. In a guard cycle (ctx.phase "guard") missing data fails: no
--- kpi schema, no heartbeat in kpi.bot_status or one older than STALE_S,
--- and what each KPI says below.
local messages = require("messages")
local settings = require("settings")

local M = {}

--- Missing data for this long is an anomaly (the RUNBOOK's 5 minutes).
M.STALE_S = 300
--- The time one KPI query may take.
M.TIMEOUT_MS = 3000

--- The RUNBOOK's thresholds (L1 starting values).
M.T = {
  fill_rate = { window_s = 3600, min_attempts = 20, alert_min_pct = 80, kill_min_pct = 50 },
  slippage = { window_s = 3600, p95_alert_max_bps = 10, leg_kill_max_bps = 50 },
  drawdown = { alert_pct_of_cap = 1, kill_pct_of_cap = 2 },
  open_orders = { alert_max = 4, age_alert_max_s = 60, mismatch_grace_s = 30 },
  error_rate = { window_s = 300, alert_max_pct = 2, kill_max_pct = 10, unknown_kill_s = 30 },
  rate_limit = { window_s = 300, http429_kill_s = 60, used_alert_max_pct = 70 },
  clock = { skew_alert_max_ms = 250 },
  latency = { window_s = 900, kill_window_s = 300, p99_alert_max_ms = 500,
              p99_kill_max_ms = 2000 },
  balance = { drift_kill_pct_of_cap = 0.5, unhedged_kill_pct_of_cap = 10, unhedged_kill_s = 60 },
}

--- The tables of the kpi schema (docs/KPI-SCHEMA.md).
M.TABLES = { "kpi.bot_status", "kpi.order_attempts", "kpi.fills", "kpi.exchange_requests",
             "kpi.pnl", "kpi.expected_balances", "kpi.exposure_snapshots" }

--- The heartbeat's age in seconds, as a column of every KPI query.
M.HEARTBEAT = "(SELECT extract(epoch FROM now() - max(heartbeat_at)) FROM kpi.bot_status)::float8"

local pass, fail = function(...) return preflight.pass(...) end,
  function(...) return preflight.fail(...) end

--- The connection string: KPI_DATABASE_URL, else DATABASE_URL.
-- @return string|nil
-- @return string name of the setting, or err
function M.conninfo()
  for _, name in ipairs({ "KPI_DATABASE_URL", "DATABASE_URL" }) do
    if settings.is_set(name) then return preflight.env.get(name), name end
  end
  return nil, "KPI_DATABASE_URL (or DATABASE_URL) is not set"
end

--- Whether the phase is a guard cycle.
-- @param ctx table|nil
-- @return boolean
function M.guarding(ctx)
  return ctx ~= nil and ctx.phase == "guard"
end

--- Run one KPI query.
-- @param sql string
-- @param params table
-- @return table|nil rows
-- @return string|nil err
-- @return string|nil the setting the connection string came from
function M.query(sql, params)
  local url, from = M.conninfo()
  if not url then return nil, from end
  local rows, err = preflight.db.query(url, sql, params or {}, M.TIMEOUT_MS)
  if not rows then return nil, err, from end
  return rows, nil, from
end

--- The kpi tables that do not exist, or nil, err when that cannot be read.
-- @return table|nil names
-- @return string|nil err
function M.missing_tables()
  local rows, err = M.query(
    "SELECT t FROM unnest(string_to_array($1, ',')) AS t WHERE to_regclass(t) IS NULL ORDER BY t",
    { table.concat(M.TABLES, ",") })
  if not rows then return nil, err end
  local out = {}
  for i, r in ipairs(rows) do out[i] = r.t end
  return out
end

--- Read a KPI. Every query selects heartbeat_age_s (M.HEARTBEAT) in each
--- row. Returns the rows, or a result to return at once: a failure, a
--- clean slate at start (no kpi schema), or missing data in a guard cycle.
-- @param ctx table
-- @param sql string
-- @param params table
-- @return table|nil rows
-- @return userdata|nil the result when there are no rows to judge
function M.read(ctx, sql, params)
  local rows, err, from = M.query(sql, params)
  if rows then
    local hb = rows[1] and rows[1].heartbeat_age_s
    if M.guarding(ctx) and (type(hb) ~= "number" or hb > M.STALE_S) then
      return nil, fail(hb == nil and "no data: kpi.bot_status has no heartbeat"
        or ("no data: the bot's last heartbeat was %d s ago (over %d s)"):format(
          math.floor(tonumber(hb) or -1), M.STALE_S))
    end
    return rows
  end
  if not from then return nil, fail(err) end
  local missing = M.missing_tables()
  if missing and #missing > 0 then
    local what = ("no %s in the database at %s"):format(#missing == #M.TABLES and "kpi schema"
      or messages.join(missing), from)
    if M.guarding(ctx) then return nil, fail("no data: " .. what) end
    return nil, pass(("clean slate: %s (docs/KPI-SCHEMA.md)"):format(what))
  end
  return nil, fail(("KPI query on %s failed: %s"):format(from, err))
end

--- The notional cap (settings.cap) for thresholds relative to it.
function M.cap(ctx)
  return settings.cap(ctx and ctx.mode or "paper")
end

--- Round to 2 decimals for details and messages.
local function r2(x)
  return math.floor(x * 100 + 0.5) / 100
end
M.r2 = r2

--- The configured exchanges, comma-joined, for a query parameter.
local function exchanges()
  local list, err = settings.exchanges()
  if not list then return nil, err end
  return table.concat(list, ",")
end

--- KPI 1: arbitrages with both legs filled / arbitrages attempted (whose
--- legs all reached a final state), rolling 60 min, once there are at
--- least 20.
function M.fill_rate(ctx)
  local t = M.T.fill_rate
  local rows, res = M.read(ctx, [[
WITH a AS (
  SELECT arb_id, bool_and(state = 'filled') AS both_filled,
         bool_and(state IN ('filled', 'canceled', 'rejected', 'expired')) AS done
  FROM kpi.order_attempts
  WHERE decided_at > now() - make_interval(secs => $1)
  GROUP BY arb_id)
SELECT count(*) FILTER (WHERE done)::int AS attempts,
       count(*) FILTER (WHERE done AND both_filled)::int AS filled,
       ]] .. M.HEARTBEAT .. [[ AS heartbeat_age_s
FROM a]], { t.window_s })
  if not rows then return res end
  local n, filled = rows[1].attempts, rows[1].filled
  local d = { attempts = n, filled = filled, fill_rate_min_attempts = t.min_attempts,
              fill_rate_pct_alert_min = t.alert_min_pct, fill_rate_pct_kill_min = t.kill_min_pct,
              alert = false }
  if n < t.min_attempts then
    return pass(("fill rate not measured yet: %s in the last 60 min, %d needed"):format(
      messages.count(n, "completed arbitrage"), t.min_attempts), d)
  end
  local pct = filled / n * 100
  d.fill_rate_pct, d.alert = r2(pct), pct < t.alert_min_pct
  local msg = ("fill rate %.1f%% (%d of %d arbitrages in the last 60 min)"):format(pct, filled, n)
  if pct < t.kill_min_pct then
    return fail(("%s < kill threshold %d%%"):format(msg, t.kill_min_pct), d)
  end
  return pass(("%s; alert below %d%%, kill below %d%%"):format(msg, t.alert_min_pct,
    t.kill_min_pct), d)
end

--- KPI 2: slippage per filled leg in bps against the decision price,
--- positive when against us; p95 over 60 min and the worst leg.
function M.slippage(ctx)
  local t = M.T.slippage
  local rows, res = M.read(ctx, [[
WITH legs AS (
  SELECT o.attempt_id, o.exchange, o.side, o.decision_price,
         sum(f.price * f.qty) / sum(f.qty) AS vwap
  FROM kpi.order_attempts o JOIN kpi.fills f USING (attempt_id)
  WHERE f.filled_at > now() - make_interval(secs => $1)
  GROUP BY o.attempt_id, o.exchange, o.side, o.decision_price),
s AS (
  SELECT attempt_id, exchange,
         (CASE WHEN side = 'buy' THEN vwap - decision_price ELSE decision_price - vwap END)
           / decision_price * 10000 AS bps
  FROM legs)
SELECT count(*)::int AS legs,
       (percentile_cont(0.95) WITHIN GROUP (ORDER BY bps))::float8 AS p95_bps,
       max(bps)::float8 AS worst_bps,
       (SELECT attempt_id || ' on ' || exchange FROM s ORDER BY bps DESC LIMIT 1) AS worst_leg,
       ]] .. M.HEARTBEAT .. [[ AS heartbeat_age_s
FROM s]], { t.window_s })
  if not rows then return res end
  local r = rows[1]
  local d = { legs = r.legs, slippage_p95_bps_alert_max = t.p95_alert_max_bps,
              slippage_worst_bps_kill_max = t.leg_kill_max_bps, alert = false }
  if r.legs == 0 then
    return pass("slippage not measured: no filled legs in the last 60 min", d)
  end
  d.slippage_p95_bps, d.slippage_worst_bps = r2(r.p95_bps), r2(r.worst_bps)
  d.alert = r.p95_bps > t.p95_alert_max_bps
  local msg = ("slippage p95 %.1f bps, worst leg %.1f bps (%s) over %s in the last 60 min"):format(
    r.p95_bps, r.worst_bps, r.worst_leg, messages.count(r.legs, "filled leg"))
  if r.worst_bps > t.leg_kill_max_bps then
    return fail(("%s: a leg > kill threshold %d bps"):format(msg, t.leg_kill_max_bps), d)
  end
  return pass(("%s; alert at p95 > %d bps, kill at a leg > %d bps"):format(msg,
    t.p95_alert_max_bps, t.leg_kill_max_bps), d)
end

--- KPI 3: realized PnL net of fees since 00:00 UTC, peak to trough,
--- against the notional cap.
function M.pnl_drawdown(ctx)
  local t = M.T.drawdown
  local cap, from = M.cap(ctx)
  if not cap then return fail(from) end
  local rows, res = M.read(ctx, [[
WITH e AS (
  SELECT id, at, sum(realized_usd) OVER (ORDER BY at, id) AS cum
  FROM kpi.pnl WHERE at >= date_trunc('day', now(), 'UTC')),
d AS (
  SELECT at, id, cum, greatest(0, max(cum) OVER (ORDER BY at, id)) - cum AS dd FROM e)
SELECT count(*)::int AS events,
       coalesce(max(dd), 0)::float8 AS drawdown_usd,
       coalesce((SELECT cum FROM e ORDER BY at DESC, id DESC LIMIT 1), 0)::float8 AS realized_usd,
       ]] .. M.HEARTBEAT .. [[ AS heartbeat_age_s
FROM d]], {})
  if not rows then return res end
  local r = rows[1]
  local alert_at, kill_at = cap * t.alert_pct_of_cap / 100, cap * t.kill_pct_of_cap / 100
  local d = { pnl_events = r.events, realized_usd = r2(r.realized_usd),
              drawdown_usd = r2(r.drawdown_usd), drawdown_usd_alert_max = r2(alert_at),
              drawdown_usd_kill_max = r2(kill_at), cap_usd = cap,
              alert = r.drawdown_usd > alert_at }
  local msg = ("realized PnL today %s USD, drawdown %s USD"):format(
    messages.amount(r.realized_usd), messages.amount(r.drawdown_usd))
  if r.drawdown_usd > kill_at then
    return fail(("%s > kill threshold %s USD (%d%% of the %s cap %s USD)"):format(msg,
      messages.amount(kill_at), t.kill_pct_of_cap, from, messages.amount(cap)), d)
  end
  return pass(("%s; alert above %s USD, kill above %s USD (%s %s USD)"):format(msg,
    messages.amount(alert_at), messages.amount(kill_at), from, messages.amount(cap)), d)
end

--- KPI 5: per exchange, 5xx, timeouts and connection errors / requests
--- over 5 min, and order requests still without an outcome after 30 s.
function M.error_rate(ctx)
  local t = M.T.error_rate
  local list, lerr = exchanges()
  if not list then return fail(lerr) end
  local rows, res = M.read(ctx, [[
SELECT x.exchange,
  (SELECT count(*) FROM kpi.exchange_requests r WHERE r.exchange = x.exchange
     AND r.sent_at > now() - make_interval(secs => $1))::int AS requests,
  (SELECT count(*) FROM kpi.exchange_requests r WHERE r.exchange = x.exchange
     AND r.sent_at > now() - make_interval(secs => $1)
     AND (r.http_status >= 500 OR r.outcome IN ('timeout', 'connection_error')))::int AS errors,
  (SELECT count(*) FROM kpi.order_attempts o WHERE o.exchange = x.exchange
     AND o.acked_at IS NULL AND o.state IN ('pending', 'unknown')
     AND o.sent_at < now() - make_interval(secs => $2))::int AS unknown_orders,
  ]] .. M.HEARTBEAT .. [[ AS heartbeat_age_s
FROM unnest(string_to_array($3, ',')) AS x(exchange) ORDER BY 1]],
    { t.window_s, t.unknown_kill_s, list })
  if not rows then return res end
  local d = { error_rate_pct_alert_max = t.alert_max_pct, error_rate_pct_kill_max = t.kill_max_pct,
              unknown_orders_kill_max = 0, alert = false }
  local bad, said = {}, {}
  for _, r in ipairs(rows) do
    local ex = r.exchange
    d[ex .. "_requests"], d[ex .. "_errors"], d[ex .. "_unknown_orders"] =
      r.requests, r.errors, r.unknown_orders
    if r.unknown_orders > 0 then
      bad[#bad + 1] = ("%s on %s without an outcome after %d s"):format(
        messages.count(r.unknown_orders, "order request"), ex, t.unknown_kill_s)
    end
    if r.requests == 0 then
      said[#said + 1] = ("%s: no requests in the last 5 min"):format(ex)
      if M.guarding(ctx) then bad[#bad + 1] = ("no data: no requests to %s in 5 min"):format(ex) end
    else
      local pct = r.errors / r.requests * 100
      d[ex .. "_error_rate_pct"] = r2(pct)
      d.alert = d.alert or pct > t.alert_max_pct
      said[#said + 1] = ("%s %.1f%% (%d of %d)"):format(ex, pct, r.errors, r.requests)
      if pct > t.kill_max_pct then
        bad[#bad + 1] = ("%s error rate %.1f%% > kill threshold %d%%"):format(ex, pct,
          t.kill_max_pct)
      end
    end
  end
  if #bad > 0 then return fail(messages.join(bad), d) end
  return pass(("exchange error rate over 5 min: %s; alert above %d%%, kill above %d%%"):format(
    messages.join(said), t.alert_max_pct, t.kill_max_pct), d)
end

--- KPI 6 from the bot's requests: any HTTP 418 (IP ban) in 5 min, or
--- HTTP 429s with no success since the first of them for more than 60 s.
function M.rate_limited(ctx)
  local t = M.T.rate_limit
  local list, lerr = exchanges()
  if not list then return fail(lerr) end
  local rows, res = M.read(ctx, [[
SELECT x.exchange,
  (SELECT count(*) FROM kpi.exchange_requests r WHERE r.exchange = x.exchange
     AND r.http_status = 418 AND r.sent_at > now() - make_interval(secs => $1))::int AS http_418,
  (SELECT count(*) FROM kpi.exchange_requests r WHERE r.exchange = x.exchange
     AND r.http_status = 429 AND r.sent_at > now() - make_interval(secs => $1))::int AS http_429,
  (SELECT extract(epoch FROM now() - min(r.sent_at)) FROM kpi.exchange_requests r
     WHERE r.exchange = x.exchange AND r.http_status = 429
       AND r.sent_at > coalesce((SELECT max(s.sent_at) FROM kpi.exchange_requests s
                                 WHERE s.exchange = x.exchange
                                   AND s.http_status BETWEEN 200 AND 299),
                                '-infinity'))::float8 AS limited_for_s,
  ]] .. M.HEARTBEAT .. [[ AS heartbeat_age_s
FROM unnest(string_to_array($2, ',')) AS x(exchange) ORDER BY 1]], { t.window_s, list })
  if not rows then return res end
  local d = { http_418_kill_max = 0, rate_limited_s_kill_max = t.http429_kill_s,
              http_429_alert_max = 0, alert = false }
  local bad, said = {}, {}
  for _, r in ipairs(rows) do
    local ex, limited = r.exchange, r.limited_for_s or 0
    d[ex .. "_http_418"], d[ex .. "_http_429"] = r.http_418, r.http_429
    d[ex .. "_rate_limited_s"] = math.floor(limited)
    d.alert = d.alert or r.http_429 > 0
    said[#said + 1] = ("%s %d x 418, %d x 429"):format(ex, r.http_418, r.http_429)
    if r.http_418 > 0 then
      bad[#bad + 1] = ("%s banned this IP (HTTP 418) in the last 5 min"):format(ex)
    end
    if limited > t.http429_kill_s then
      bad[#bad + 1] = ("%s has answered HTTP 429 without a success for %d s (over %d s)"):format(
        ex, math.floor(limited), t.http429_kill_s)
    end
  end
  if #bad > 0 then return fail(messages.join(bad), d) end
  return pass(("rate limits over 5 min: %s; kill on a 418 or 429s for over %d s"):format(
    messages.join(said), t.http429_kill_s), d)
end

--- KPI 8: time from sending an order to the exchange's acknowledgement,
--- per exchange: p99 over 15 min (alert) and over the last 5 min (kill).
--- An order still waiting for its acknowledgement counts with the time it
--- has waited so far.
function M.order_latency(ctx)
  local t = M.T.latency
  local list, lerr = exchanges()
  if not list then return fail(lerr) end
  local lat = [[
  (SELECT %s FROM kpi.order_attempts o WHERE o.exchange = x.exchange
     AND o.sent_at > now() - make_interval(secs => %s)
     AND (o.acked_at IS NOT NULL OR o.state IN ('pending', 'unknown')))]]
  local p99 = "percentile_cont(0.99) WITHIN GROUP (ORDER BY "
    .. "extract(epoch FROM coalesce(o.acked_at, now()) - o.sent_at) * 1000)"
  local rows, res = M.read(ctx, "SELECT x.exchange,"
    .. lat:format("count(*)", "$1") .. "::int AS orders,"
    .. lat:format(p99, "$1") .. "::float8 AS p99_ms,"
    .. lat:format(p99, "$2") .. "::float8 AS p99_recent_ms, "
    .. M.HEARTBEAT .. " AS heartbeat_age_s "
    .. "FROM unnest(string_to_array($3, ',')) AS x(exchange) ORDER BY 1",
    { t.window_s, t.kill_window_s, list })
  if not rows then return res end
  local d = { order_latency_p99_ms_alert_max = t.p99_alert_max_ms,
              order_latency_p99_5m_ms_kill_max = t.p99_kill_max_ms, alert = false }
  local bad, said = {}, {}
  for _, r in ipairs(rows) do
    local ex = r.exchange
    d[ex .. "_orders"] = r.orders
    if r.orders == 0 then
      said[#said + 1] = ("%s no orders"):format(ex)
    else
      d[ex .. "_order_latency_p99_ms"] = math.floor(r.p99_ms + 0.5)
      d.alert = d.alert or r.p99_ms > t.p99_alert_max_ms
      said[#said + 1] = ("%s p99 %d ms over %s"):format(ex, math.floor(r.p99_ms + 0.5),
        messages.count(r.orders, "order"))
      local recent = r.p99_recent_ms
      if recent then
        d[ex .. "_order_latency_p99_5m_ms"] = math.floor(recent + 0.5)
        if recent > t.p99_kill_max_ms then
          bad[#bad + 1] = ("%s order latency p99 %d ms over the last 5 min > kill threshold %d ms")
            :format(ex, math.floor(recent + 0.5), t.p99_kill_max_ms)
        end
      end
    end
  end
  if #bad > 0 then return fail(messages.join(bad), d) end
  return pass(("order latency over 15 min: %s; alert above %d ms, kill above %d ms over 5 min")
    :format(messages.join(said), t.p99_alert_max_ms, t.p99_kill_max_ms), d)
end

--- KPI 9: the unhedged exposure the bot records, against 10 % of the cap
--- for more than 60 s.
function M.unhedged_exposure(ctx)
  local t = M.T.balance
  local cap, from = M.cap(ctx)
  if not cap then return fail(from) end
  local limit = cap * t.unhedged_kill_pct_of_cap / 100
  local rows, res = M.read(ctx, [[
WITH last_ok AS (SELECT max(at) AS at FROM kpi.exposure_snapshots WHERE unhedged_usd <= $1)
SELECT (SELECT unhedged_usd FROM kpi.exposure_snapshots ORDER BY at DESC LIMIT 1)::float8
         AS unhedged_usd,
       (SELECT extract(epoch FROM now() - max(at)) FROM kpi.exposure_snapshots)::float8
         AS snapshot_age_s,
       (SELECT extract(epoch FROM now() - min(s.at)) FROM kpi.exposure_snapshots s, last_ok
          WHERE s.unhedged_usd > $1 AND s.at > coalesce(last_ok.at, '-infinity'))::float8
         AS over_for_s,
       ]] .. M.HEARTBEAT .. [[ AS heartbeat_age_s]], { limit })
  if not rows then return res end
  local r = rows[1]
  local d = { unhedged_usd_kill_max = r2(limit), unhedged_over_s_kill_max = t.unhedged_kill_s,
              cap_usd = cap, alert = false }
  if r.unhedged_usd == nil then
    if M.guarding(ctx) then return fail("no data: kpi.exposure_snapshots is empty", d) end
    return pass("clean slate: no unhedged exposure recorded yet", d)
  end
  d.unhedged_usd = r2(r.unhedged_usd)
  if M.guarding(ctx) and r.snapshot_age_s > M.STALE_S then
    return fail(("no data: the last exposure snapshot is %d s old (over %d s)"):format(
      math.floor(r.snapshot_age_s), M.STALE_S), d)
  end
  local msg = ("unhedged exposure %s USD"):format(messages.amount(r.unhedged_usd))
  if r.unhedged_usd > limit then
    local over = math.floor(r.over_for_s or 0)
    d.unhedged_over_s, d.alert = over, true
    if over > t.unhedged_kill_s then
      return fail(("%s > %s USD (%s%% of the %s cap) for %d s, over %d s"):format(msg,
        messages.amount(limit), tostring(t.unhedged_kill_pct_of_cap), from, over,
        t.unhedged_kill_s), d)
    end
    return pass(("%s > %s USD for %d s (kill after %d s)"):format(msg, messages.amount(limit),
      over, t.unhedged_kill_s), d)
  end
  return pass(("%s within %s USD (%s%% of the %s cap %s USD)"):format(msg,
    messages.amount(limit), tostring(t.unhedged_kill_pct_of_cap), from, messages.amount(cap)), d)
end

--- KPI 9: balances read from the exchange against the bot's expected
--- balances (kpi.expected_balances), per asset, in USD against 0.5 % of
--- the cap.
-- @param name string exchange
-- @param ctx table
-- @param ex table the exchange adapter
-- @param assets table traded assets
function M.balance_drift(name, ctx, ex, assets)
  local t = M.T.balance
  local cap, from = M.cap(ctx)
  if not cap then return fail(from) end
  local limit = cap * t.drift_kill_pct_of_cap / 100
  local b, berr = ex.balances(ctx)
  if not b then return fail(berr) end
  local quote, rate = ex.quote_usd(ctx)
  if not quote then return fail(rate) end
  local prices, perr = ex.prices(ctx, assets)
  if not prices then return fail(perr) end
  local rows, res = M.read(ctx, [[
SELECT hb.heartbeat_age_s, e.asset, e.expected::float8 AS expected
FROM (SELECT ]] .. M.HEARTBEAT .. [[ AS heartbeat_age_s) hb
LEFT JOIN kpi.expected_balances e ON e.exchange = $1 ORDER BY e.asset]], { name })
  if not rows then return res end
  local expected = {}
  for _, r in ipairs(rows) do
    if r.asset then expected[r.asset] = r.expected end
  end
  local want = { quote }
  for _, a in ipairs(assets) do want[#want + 1] = a end
  local d = { drift_usd_kill_max = r2(limit), cap_usd = cap, alert = false }
  local missing, worst, worst_asset, said = {}, 0, nil, {}
  for _, a in ipairs(want) do
    local h = b.assets[a] or { free = 0, locked = 0 }
    local held = h.free + h.locked
    if expected[a] == nil then
      missing[#missing + 1] = a
    else
      local usd = math.abs(held - expected[a]) * (a == quote and 1 or prices[a]) * rate
      d[a .. "_drift_usd"] = r2(usd)
      said[#said + 1] = ("%s %s USD"):format(a, messages.amount(usd))
      if usd > worst then worst, worst_asset = usd, a end
    end
  end
  if #missing == #want and not M.guarding(ctx) then
    return pass(("clean slate: no expected balances on %s recorded yet"):format(name), d)
  end
  if #missing > 0 then
    return fail(("no data: kpi.expected_balances has no %s on %s"):format(
      messages.join(missing), name), d)
  end
  d.drift_usd = r2(worst)
  local msg = ("%s balance drift: %s"):format(name, messages.join(said))
  if worst > limit then
    return fail(("%s; %s > %s USD (%s%% of the %s cap)"):format(msg, worst_asset,
      messages.amount(limit), tostring(t.drift_kill_pct_of_cap), from), d)
  end
  return pass(("%s; kill above %s USD (%s%% of the %s cap)"):format(msg, messages.amount(limit),
    tostring(t.drift_kill_pct_of_cap), from), d)
end

--- KPI 4 in a guard cycle: the exchange's open orders (each with id,
--- client_id, created_ms) against the bot's own open orders in
--- kpi.order_attempts. An order the bot does not know (an orphan), or one
--- the bot holds open for over 30 s that the exchange does not list,
--- fails; more than 4 orders or one older than 60 s is an alert.
-- @param name string exchange
-- @param ctx table
-- @param orders table the exchange's open orders
function M.open_orders_guard(name, ctx, orders)
  local t = M.T.open_orders
  local rows, res = M.read(ctx, [[
SELECT hb.heartbeat_age_s, o.attempt_id, o.exchange_order_id, o.state,
       extract(epoch FROM now() - o.updated_at)::float8 AS quiet_s
FROM (SELECT ]] .. M.HEARTBEAT .. [[ AS heartbeat_age_s) hb
LEFT JOIN kpi.order_attempts o
  ON o.exchange = $1 AND o.state IN ('pending', 'open', 'partially_filled')
ORDER BY o.attempt_id]], { name })
  if not rows then return res end
  local by_id, by_client, listed = {}, {}, {}
  for _, r in ipairs(rows) do
    if r.attempt_id then
      by_client[r.attempt_id] = r
      if r.exchange_order_id then by_id[r.exchange_order_id] = r end
    end
  end
  local now_ms = preflight.clock.now() * 1000
  local orphans, oldest = {}, 0
  for _, o in ipairs(orders) do
    local known = (o.id and by_id[o.id]) or (o.client_id and by_client[o.client_id])
    if known then listed[known.attempt_id] = true
    else orphans[#orphans + 1] = ("%s %s %s (id %s)"):format(o.symbol, o.side, o.qty,
      tostring(o.id)) end
    if o.created_ms then oldest = math.max(oldest, (now_ms - o.created_ms) / 1000) end
  end
  local gone = {}
  for _, r in ipairs(rows) do
    if r.attempt_id and r.state ~= "pending" and not listed[r.attempt_id]
        and r.quiet_s > t.mismatch_grace_s then
      gone[#gone + 1] = r.attempt_id
    end
  end
  local d = { open_orders = #orders, open_orders_alert_max = t.alert_max,
              oldest_order_s = math.floor(oldest), oldest_order_s_alert_max = t.age_alert_max_s,
              orphan_orders = #orphans, orphan_orders_kill_max = 0,
              mismatched_orders = #gone, mismatched_orders_kill_max = 0,
              alert = #orders > t.alert_max or oldest > t.age_alert_max_s }
  if #orphans > 0 then
    return fail(("%s on %s the bot does not know: %s"):format(
      messages.count(#orphans, "open order"), name, messages.join(orphans)), d)
  end
  if #gone > 0 then
    return fail(("the bot holds %s open on %s that the exchange does not list (for over %d s): %s")
      :format(messages.count(#gone, "order"), name, t.mismatch_grace_s, messages.join(gone)), d)
  end
  return pass(("open orders %d on %s, all known to the bot; oldest %d s (alert above %d orders"
    .. " or %d s)"):format(#orders, name, math.floor(oldest), t.alert_max, t.age_alert_max_s), d)
end

--- Unix seconds of an ISO 8601 time with an offset
--- ("2026-11-27T12:20:00+09:00", "...Z", optional fraction), or nil.
-- @param s string
-- @return number|nil
function M.parse_time(s)
  if type(s) ~= "string" then return nil end
  local y, mo, d, h, mi, sec, frac, zone = s:match(
    "^(%d%d%d%d)-(%d%d)-(%d%d)T(%d%d):(%d%d):(%d%d)(%.?%d*)(.*)$")
  if not y then return nil end
  local off = 0
  if zone ~= "Z" then
    local sign, oh, om = zone:match("^([+-])(%d%d):(%d%d)$")
    if not sign then return nil end
    off = (tonumber(oh) * 3600 + tonumber(om) * 60) * (sign == "-" and -1 or 1)
  end
  local days = require("httpdate").days_from_civil(tonumber(y), tonumber(mo), tonumber(d))
  return days * 86400 + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(sec)
    + (tonumber("0" .. frac) or 0) - off
end

return M
