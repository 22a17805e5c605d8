-- The KPI checks that read the bot's PostgreSQL (lib/kpi.lua): every
-- kpi.* check, exchange.*.balance_drift, and exchange.*.open_orders in a
-- guard cycle. One throwaway cluster (scripts/services.sh) serves them
-- all, so they share this file: each row drops the kpi schema, loads
-- examples/kpi/schema.sql (unless the row wants no schema), seeds its
-- rows and runs the shipped check through the real host in the phase the
-- row names. Rows cover each check's pass case, each fail case, an alert
-- (a pass with alert = true in the details) and "no data" in both phases.
local pack = require("pack")
local pg = require("pg")

local HB = "INSERT INTO kpi.bot_status (heartbeat_at) VALUES (now());\n"
local STALE_HB = "INSERT INTO kpi.bot_status (heartbeat_at) VALUES (now() - interval '400 s');\n"

--- n arbitrages of two legs decided `ago` before now, the first `filled`
--- of them with both legs filled, the others with the sell leg canceled
--- (or left pending with pending = true).
local function arbs(n, filled, o)
  o = o or {}
  return ([[
INSERT INTO kpi.order_attempts (attempt_id, arb_id, exchange, symbol, side, qty,
  decision_price, decided_at, sent_at, acked_at, state, exchange_order_id)
SELECT '%s' || i || '-' || leg, '%s' || i, CASE leg WHEN 1 THEN 'binance' ELSE 'upbit' END,
  'BTC', CASE leg WHEN 1 THEN 'buy' ELSE 'sell' END, 0.001, 100000,
  now() - interval '%s', now() - interval '%s', now() - interval '%s' + interval '100 ms',
  CASE WHEN i <= %d OR leg = 1 THEN 'filled' ELSE '%s' END, 'x' || i || '-' || leg
FROM generate_series(1, %d) i, generate_series(1, 2) leg;
]]):format(o.prefix or "a", o.prefix or "arb", o.ago or "10 min", o.ago or "10 min",
    o.ago or "10 min", filled, o.pending and "pending" or "canceled", n)
end

--- n filled buy legs on binance (decision price 100000) filled at price.
local function legs(n, price, o)
  o = o or {}
  local p = o.prefix or "l"
  return ([[
INSERT INTO kpi.order_attempts (attempt_id, arb_id, exchange, symbol, side, qty,
  decision_price, decided_at, sent_at, acked_at, state)
SELECT '%s' || i, '%s' || i, 'binance', 'BTCUSDT', '%s', 0.001, 100000, now() - interval '%s',
  now() - interval '%s', now() - interval '%s', 'filled' FROM generate_series(1, %d) i;
INSERT INTO kpi.fills (fill_id, attempt_id, filled_at, price, qty)
SELECT 'f-%s' || i, '%s' || i, now() - interval '%s', %s, 0.001 FROM generate_series(1, %d) i;
]]):format(p, p, o.side or "buy", o.ago or "5 min", o.ago or "5 min", o.ago or "5 min", n,
    p, p, o.ago or "5 min", tostring(price), n)
end

--- n requests to ex sent `ago` before now, with status (nil: a timeout).
local function requests(ex, n, status, ago)
  return ([[
INSERT INTO kpi.exchange_requests (exchange, endpoint, sent_at, latency_ms, http_status, outcome)
SELECT '%s', 'GET /x', now() - interval '%s', 20, %s, '%s' FROM generate_series(1, %d);
]]):format(ex, ago or "1 min", status and tostring(status) or "NULL",
    status == nil and "timeout" or (status >= 200 and status < 300 and "ok" or "http_error"), n)
end

local OK_REQUESTS = requests("binance", 50, 200) .. requests("upbit", 50, 200)

--- n orders on ex acknowledged after ms, sent `ago` before now.
local function acked(ex, n, ms, ago, prefix)
  return ([[
INSERT INTO kpi.order_attempts (attempt_id, arb_id, exchange, symbol, side, qty,
  decision_price, decided_at, sent_at, acked_at, state)
SELECT '%s' || i, '%s' || i, '%s', 'BTC', 'buy', 0.001, 100000, now() - interval '%s',
  now() - interval '%s', now() - interval '%s' + interval '%d ms', 'filled'
FROM generate_series(1, %d) i;
]]):format(prefix or ex, prefix or ex, ex, ago or "1 min", ago or "1 min", ago or "1 min", ms, n)
end

--- Realized PnL events today (UTC), in order.
local function pnl(list)
  local out = {}
  for i, usd in ipairs(list) do
    out[i] = ("INSERT INTO kpi.pnl (at, realized_usd) VALUES "
      .. "(date_trunc('day', now(), 'UTC') + interval '%d ms', %s);"):format(i, tostring(usd))
  end
  return table.concat(out, "\n") .. "\n"
end

--- Unhedged exposure snapshots {seconds ago, usd}.
local function exposure(list)
  local out = {}
  for i, e in ipairs(list) do
    out[i] = ("INSERT INTO kpi.exposure_snapshots (at, unhedged_usd) VALUES "
      .. "(now() - interval '%d s', %s);"):format(e[1], tostring(e[2]))
  end
  return table.concat(out, "\n") .. "\n"
end

--- Expected balances on ex: {asset = amount}.
local function expected(ex, t)
  local out = {}
  for a, v in pairs(t) do
    out[#out + 1] = ("INSERT INTO kpi.expected_balances (exchange, asset, expected) VALUES "
      .. "('%s', '%s', %s);"):format(ex, a, tostring(v))
  end
  return table.concat(out, "\n") .. "\n"
end

describe("KPI checks against the bot's PostgreSQL", function()
  local s

  lazy_setup(function() s = pg.start() end)
  lazy_teardown(function() pg.stop(s) end)

  -- row: {name, seed = SQL, no_schema = bool, phase, set, env, status,
  -- message | match, details = {key = value}}
  local function check(file, row)
    pg.exec(s, "DROP SCHEMA IF EXISTS kpi CASCADE;\n"
      .. (row.no_schema and "" or pg.source("examples/kpi/schema.sql")) .. (row.seed or ""))
    local env = { DATABASE_URL = s.url }
    for k, v in pairs(row.env or {}) do env[k] = v end
    local c = pack.run(file, { env = env, phase = row.phase, set = row.set, mode = row.mode })
    assert.equal(row.status, c.status, c.message)
    if row.match then
      assert.truthy(c.message:match(row.match), c.message)
    elseif row.message then
      assert.equal(row.message, c.message)
    end
    for k, v in pairs(row.details or {}) do
      assert.equal(v, c.details[k], k .. " in " .. c.message)
    end
    return c
  end

  local function rows(file, list)
    describe(file, function()
      for _, row in ipairs(list) do
        it(row[1] .. " (" .. (row.phase or "start") .. ")", function() check(file, row) end)
      end
    end)
  end

  -- the rows every database KPI check shares: no schema, no heartbeat,
  -- a stale heartbeat, an unreachable database
  local function no_data(first_start_msg)
    return {
      { "a missing kpi schema is a clean slate at start", no_schema = true, status = "pass",
        message = "clean slate: no kpi schema in the database at DATABASE_URL"
          .. " (docs/KPI-SCHEMA.md)" },
      { "a missing kpi schema is missing data in a guard cycle", no_schema = true,
        phase = "guard", status = "fail",
        message = "no data: no kpi schema in the database at DATABASE_URL" },
      { "empty tables report what they can at start", status = "pass",
        message = first_start_msg },
      { "no heartbeat is missing data in a guard cycle", phase = "guard", status = "fail",
        message = "no data: kpi.bot_status has no heartbeat" },
      { "a stale heartbeat is missing data in a guard cycle", seed = STALE_HB, phase = "guard",
        status = "fail",
        match = "^no data: the bot's last heartbeat was 40%d s ago %(over 300 s%)$" },
      { "an unreachable database fails", env = { KPI_DATABASE_URL =
        "postgresql://u:Pw-9x@127.0.0.1:1/db" }, status = "fail",
        match = "^KPI query on KPI_DATABASE_URL failed: connection to server at \"127.0.0.1\","
          .. " port 1 failed: Connection refused" },
    }
  end

  local function with(list, more)
    for _, r in ipairs(more) do list[#list + 1] = r end
    return list
  end

  rows("checks/kpi_fill_rate.lua", with(no_data(
    "fill rate not measured yet: 0 completed arbitrages in the last 60 min, 20 needed"), {
    { "passes at 90 %", seed = HB .. arbs(20, 18), phase = "guard", status = "pass",
      message = "fill rate 90.0% (18 of 20 arbitrages in the last 60 min); alert below 80%,"
        .. " kill below 50%",
      details = { fill_rate_pct = 90, fill_rate_pct_alert_min = 80, fill_rate_pct_kill_min = 50,
                  alert = false } },
    { "alerts at 70 %, still a pass", seed = HB .. arbs(20, 14), phase = "guard", status = "pass",
      match = "^fill rate 70%.0%%", details = { fill_rate_pct = 70, alert = true } },
    { "fails below 50 % at start", seed = arbs(20, 9), status = "fail",
      message = "fill rate 45.0% (9 of 20 arbitrages in the last 60 min) < kill threshold 50%" },
    { "fails below 50 % in a guard cycle", seed = HB .. arbs(20, 9), phase = "guard",
      status = "fail", match = "< kill threshold 50%%$" },
    { "does not count arbitrages still in flight", seed = HB .. arbs(19, 0)
        .. arbs(10, 0, { prefix = "p", pending = true }), phase = "guard", status = "pass",
      message = "fill rate not measured yet: 19 completed arbitrages in the last 60 min,"
        .. " 20 needed" },
    { "does not count arbitrages older than 60 min", seed = HB .. arbs(20, 20)
        .. arbs(30, 0, { prefix = "o", ago = "2 hours" }), phase = "guard", status = "pass",
      details = { fill_rate_pct = 100 } },
  }))

  rows("checks/kpi_slippage.lua", with(no_data(
    "slippage not measured: no filled legs in the last 60 min"), {
    { "passes with small slippage", seed = HB .. legs(20, 100002), phase = "guard",
      status = "pass", match = "^slippage p95 0%.2 bps, worst leg 0%.2 bps %(l%d+ on binance%) over"
        .. " 20 filled legs in the last 60 min; alert at p95 > 10 bps, kill at a leg > 50 bps$",
      details = { slippage_p95_bps = 0.2, slippage_p95_bps_alert_max = 10,
                  slippage_worst_bps_kill_max = 50, alert = false } },
    { "alerts at p95 above 10 bps, still a pass", seed = HB .. legs(20, 100150),
      phase = "guard", status = "pass", details = { slippage_p95_bps = 15, alert = true } },
    { "fails on one leg above 50 bps", seed = HB .. legs(20, 100002)
        .. legs(1, 100600, { prefix = "bad" }), phase = "guard", status = "fail",
      match = "worst leg 60%.0 bps %(bad1 on binance%).*: a leg > kill threshold 50 bps$",
      details = { slippage_worst_bps = 60 } },
    { "counts a sell filled above the decision price as in our favour",
      seed = HB .. legs(5, 100600, { side = "sell" }), phase = "guard", status = "pass",
      details = { slippage_worst_bps = -60 } },
    { "ignores legs filled over 60 min ago", seed = HB .. legs(3, 100600, { ago = "2 hours" }),
      phase = "guard", status = "pass",
      message = "slippage not measured: no filled legs in the last 60 min" },
  }))

  rows("checks/kpi_pnl_drawdown.lua", with(no_data(
    "realized PnL today 0.00 USD, drawdown 0.00 USD; alert above 10.00 USD, kill above 20.00"
      .. " USD (PAPER_MAX_NOTIONAL_USD 1000.00 USD)"), {
    { "passes with a small drawdown", seed = HB .. pnl({ 30, -5 }), phase = "guard",
      status = "pass", message = "realized PnL today 25.00 USD, drawdown 5.00 USD; alert above"
        .. " 10.00 USD, kill above 20.00 USD (PAPER_MAX_NOTIONAL_USD 1000.00 USD)",
      details = { drawdown_usd = 5, drawdown_usd_alert_max = 10, drawdown_usd_kill_max = 20,
                  alert = false } },
    { "alerts above 1 % of the cap, still a pass", seed = HB .. pnl({ 30, -15, 2 }),
      phase = "guard", status = "pass", details = { drawdown_usd = 15, alert = true } },
    { "fails above 2 % of the cap, peak to trough", seed = HB .. pnl({ 30, -10, -15, 40 }),
      phase = "guard", status = "fail",
      message = "realized PnL today 45.00 USD, drawdown 25.00 USD > kill threshold 20.00 USD"
        .. " (2% of the PAPER_MAX_NOTIONAL_USD cap 1000.00 USD)" },
    { "measures against LIVE_MAX_NOTIONAL_USD when set", seed = HB .. pnl({ -6 }),
      env = { LIVE_MAX_NOTIONAL_USD = "250" }, phase = "guard", status = "fail",
      match = "drawdown 6%.00 USD > kill threshold 5%.00 USD %(2%% of the LIVE_MAX_NOTIONAL_USD"
        .. " cap 250%.00 USD%)$" },
    { "starts from zero each UTC day", seed = HB
        .. "INSERT INTO kpi.pnl (at, realized_usd) VALUES"
        .. " (date_trunc('day', now(), 'UTC') - interval '1 hour', -100);\n" .. pnl({ 3 }),
      phase = "guard", status = "pass", details = { drawdown_usd = 0, realized_usd = 3 } },
  }))

  rows("checks/kpi_error_rate.lua", with(no_data(
    "exchange error rate over 5 min: binance: no requests in the last 5 min, upbit: no requests"
      .. " in the last 5 min; alert above 2%, kill above 10%"), {
    { "passes with no errors", seed = HB .. OK_REQUESTS, phase = "guard", status = "pass",
      message = "exchange error rate over 5 min: binance 0.0% (0 of 50), upbit 0.0% (0 of 50);"
        .. " alert above 2%, kill above 10%",
      details = { binance_error_rate_pct = 0, error_rate_pct_alert_max = 2,
                  error_rate_pct_kill_max = 10, alert = false } },
    { "alerts above 2 %, still a pass", seed = HB .. OK_REQUESTS .. requests("binance", 3, 503),
      phase = "guard", status = "pass", details = { binance_errors = 3, alert = true } },
    { "fails above 10 % (timeouts and 5xx)", seed = HB .. OK_REQUESTS
        .. requests("upbit", 5, nil) .. requests("upbit", 5, 502), phase = "guard",
      status = "fail", message = "upbit error rate 16.7% > kill threshold 10%" },
    { "does not count 4xx as exchange errors", seed = HB .. OK_REQUESTS
        .. requests("binance", 20, 400), phase = "guard", status = "pass" },
    { "fails on an order request without an outcome after 30 s", seed = HB .. OK_REQUESTS
        .. "INSERT INTO kpi.order_attempts (attempt_id, arb_id, exchange, symbol, side, qty,"
        .. " decision_price, decided_at, sent_at, state) VALUES ('u1', 'arb-u', 'binance',"
        .. " 'BTCUSDT', 'buy', 0.001, 100000, now() - interval '40 s',"
        .. " now() - interval '40 s', 'unknown');", phase = "guard", status = "fail",
      message = "1 order request on binance without an outcome after 30 s",
      details = { binance_unknown_orders = 1 } },
    { "no requests to an exchange is missing data in a guard cycle", seed = HB
        .. requests("binance", 50, 200), phase = "guard", status = "fail",
      message = "no data: no requests to upbit in 5 min" },
    { "ignores requests over 5 min old", seed = HB .. OK_REQUESTS
        .. requests("binance", 100, nil, "10 min"), phase = "guard", status = "pass" },
  }))

  rows("checks/kpi_rate_limited.lua", with(no_data(
    "rate limits over 5 min: binance 0 x 418, 0 x 429, upbit 0 x 418, 0 x 429; kill on a 418 or"
      .. " 429s for over 60 s"), {
    { "passes without 418 or 429", seed = HB .. OK_REQUESTS, phase = "guard", status = "pass",
      details = { binance_http_429 = 0, http_418_kill_max = 0, rate_limited_s_kill_max = 60,
                  alert = false } },
    { "alerts on a 429 followed by a success, still a pass", seed = HB
        .. requests("binance", 1, 429, "2 min") .. OK_REQUESTS, phase = "guard",
      status = "pass", details = { binance_http_429 = 1, binance_rate_limited_s = 0,
                                   alert = true } },
    { "fails on a 418", seed = HB .. OK_REQUESTS .. requests("upbit", 1, 418, "3 min"),
      phase = "guard", status = "fail",
      message = "upbit banned this IP (HTTP 418) in the last 5 min" },
    { "fails on 429s with no success for over 60 s", seed = HB
        .. requests("binance", 1, 200, "150 s") .. requests("binance", 3, 429, "90 s")
        .. requests("upbit", 5, 200), phase = "guard", status = "fail",
      match = "^binance has answered HTTP 429 without a success for 9%d s %(over 60 s%)$" },
    { "passes 429s for under 60 s, with the alert", seed = HB
        .. requests("binance", 1, 200, "150 s") .. requests("binance", 3, 429, "20 s")
        .. requests("upbit", 5, 200), phase = "guard", status = "pass",
      details = { alert = true } },
  }))

  rows("checks/kpi_order_latency.lua", with(no_data(
    "order latency over 15 min: binance no orders, upbit no orders; alert above 500 ms, kill"
      .. " above 2000 ms over 5 min"), {
    { "passes with fast acknowledgements", seed = HB .. acked("binance", 50, 80)
        .. acked("upbit", 20, 120), phase = "guard", status = "pass",
      message = "order latency over 15 min: binance p99 80 ms over 50 orders, upbit p99 120 ms"
        .. " over 20 orders; alert above 500 ms, kill above 2000 ms over 5 min",
      details = { binance_order_latency_p99_ms = 80, order_latency_p99_ms_alert_max = 500,
                  order_latency_p99_5m_ms_kill_max = 2000, alert = false } },
    { "alerts above 500 ms, still a pass", seed = HB .. acked("binance", 50, 900),
      phase = "guard", status = "pass", details = { alert = true } },
    { "fails above 2000 ms over the last 5 min", seed = HB .. acked("upbit", 50, 2500),
      phase = "guard", status = "fail",
      message = "upbit order latency p99 2500 ms over the last 5 min > kill threshold 2000 ms" },
    { "counts an order still waiting for its acknowledgement", seed = HB
        .. acked("binance", 20, 80) .. "INSERT INTO kpi.order_attempts (attempt_id, arb_id,"
        .. " exchange, symbol, side, qty, decision_price, decided_at, sent_at, state) VALUES"
        .. " ('w1', 'arb-w', 'binance', 'BTCUSDT', 'buy', 0.001, 100000, now() - interval '3 s',"
        .. " now() - interval '3 s', 'pending');", phase = "guard", status = "fail",
      match = "^binance order latency p99 %d+ ms over the last 5 min > kill threshold 2000 ms$" },
    { "slow orders over 5 min ago alert without a kill", seed = HB
        .. acked("binance", 50, 2500, "10 min", "old") .. acked("binance", 50, 80), phase = "guard",
      status = "pass", details = { binance_order_latency_p99_5m_ms = 80, alert = true } },
  }))

  rows("checks/kpi_unhedged_exposure.lua", {
    { "a missing kpi schema is a clean slate at start", no_schema = true, status = "pass",
      message = "clean slate: no kpi schema in the database at DATABASE_URL (docs/KPI-SCHEMA.md)" },
    { "a missing kpi schema is missing data in a guard cycle", no_schema = true, phase = "guard",
      status = "fail", message = "no data: no kpi schema in the database at DATABASE_URL" },
    { "no snapshots is a clean slate at start", status = "pass",
      message = "clean slate: no unhedged exposure recorded yet" },
    { "no snapshots is missing data in a guard cycle", seed = HB, phase = "guard",
      status = "fail", message = "no data: kpi.exposure_snapshots is empty" },
    { "no heartbeat is missing data in a guard cycle", seed = exposure({ { 1, 5 } }),
      phase = "guard", status = "fail", message = "no data: kpi.bot_status has no heartbeat" },
    { "a stale snapshot is missing data in a guard cycle", seed = HB .. exposure({ { 400, 5 } }),
      phase = "guard", status = "fail",
      match = "^no data: the last exposure snapshot is 40%d s old %(over 300 s%)$" },
    { "passes under 10 % of the cap", seed = HB .. exposure({ { 20, 150 }, { 1, 40 } }),
      phase = "guard", status = "pass", message = "unhedged exposure 40.00 USD within 100.00 USD"
        .. " (10% of the PAPER_MAX_NOTIONAL_USD cap 1000.00 USD)",
      details = { unhedged_usd = 40, unhedged_usd_kill_max = 100, alert = false } },
    { "alerts over 10 % for under 60 s, still a pass", seed = HB
        .. exposure({ { 90, 20 }, { 20, 150 }, { 1, 160 } }), phase = "guard", status = "pass",
      match = "^unhedged exposure 160%.00 USD > 100%.00 USD for %d+ s %(kill after 60 s%)$",
      details = { alert = true } },
    { "fails over 10 % for more than 60 s", seed = HB
        .. exposure({ { 120, 20 }, { 90, 150 }, { 30, 170 }, { 1, 160 } }), phase = "guard",
      status = "fail", match = "^unhedged exposure 160%.00 USD > 100%.00 USD %(10%% of the"
        .. " PAPER_MAX_NOTIONAL_USD cap%) for 9%d s, over 60 s$" },
  })

  local BINANCE_OK = expected("binance", { BTC = 0.002, USDT = 1500 })
  rows("checks/exchange_binance_balance_drift.lua", {
    { "a missing kpi schema is a clean slate at start", no_schema = true, status = "pass",
      message = "clean slate: no kpi schema in the database at DATABASE_URL (docs/KPI-SCHEMA.md)" },
    { "a missing kpi schema is missing data in a guard cycle", no_schema = true, phase = "guard",
      status = "fail", message = "no data: no kpi schema in the database at DATABASE_URL" },
    { "no expected balances is a clean slate at start", status = "pass",
      message = "clean slate: no expected balances on binance recorded yet" },
    { "no expected balances is missing data in a guard cycle", seed = HB, phase = "guard",
      status = "fail", message = "no data: kpi.expected_balances has no USDT, BTC on binance" },
    { "no heartbeat is missing data in a guard cycle", seed = BINANCE_OK, phase = "guard",
      status = "fail", message = "no data: kpi.bot_status has no heartbeat" },
    { "passes when the balances match", seed = HB .. BINANCE_OK, phase = "guard", status = "pass",
      message = "binance balance drift: USDT 0.00 USD, BTC 0.00 USD; kill above 5.00 USD (0.5% of"
        .. " the PAPER_MAX_NOTIONAL_USD cap)",
      details = { drift_usd = 0, drift_usd_kill_max = 5 } },
    { "passes a drift under 0.5 % of the cap", seed = HB
        .. expected("binance", { BTC = 0.00205, USDT = 1500 }), phase = "guard",
      status = "pass", details = { BTC_drift_usd = 4.85 } },
    { "fails a drift over 0.5 % of the cap", seed = HB
        .. expected("binance", { BTC = 0.002, USDT = 1490 }), phase = "guard", status = "fail",
      message = "binance balance drift: USDT 10.00 USD, BTC 0.00 USD; USDT > 5.00 USD (0.5% of"
        .. " the PAPER_MAX_NOTIONAL_USD cap)" },
    { "fails when one traded asset has no expected balance", seed = HB
        .. expected("binance", { USDT = 1500 }), phase = "guard", status = "fail",
      message = "no data: kpi.expected_balances has no BTC on binance" },
    { "skips when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" }, status = "skip",
      message = "binance is not in EXCHANGES (upbit)" },
    { "fails when the exchange does not answer", set = "timeout", seed = HB .. BINANCE_OK,
      phase = "guard", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/api/v3/account" },
  })

  rows("checks/exchange_upbit_balance_drift.lua", {
    { "passes when the balances match", seed = HB
        .. expected("upbit", { KRW = 2000000, BTC = 0.002 }), phase = "guard", status = "pass",
      details = { drift_usd = 0 } },
    { "fails a KRW drift over 0.5 % of the cap", seed = HB
        .. expected("upbit", { KRW = 2010000, BTC = 0.002 }), phase = "guard", status = "fail",
      message = "upbit balance drift: KRW 6.90 USD, BTC 0.00 USD; KRW > 5.00 USD (0.5% of the"
        .. " PAPER_MAX_NOTIONAL_USD cap)" },
  })

  local function bot_order(id, client, state, quiet, ex)
    return ("INSERT INTO kpi.order_attempts (attempt_id, arb_id, exchange, symbol, side, qty,"
      .. " decision_price, decided_at, sent_at, acked_at, state, exchange_order_id, updated_at)"
      .. " VALUES ('%s', 'arb', '%s', 'BTC', 'buy', 0.001, 95000, now(), now(), now(), '%s', %s,"
      .. " now() - interval '%s');\n"):format(client, ex or "binance", state,
        id == nil and "NULL" or ("'" .. id .. "'"), quiet or "1 s")
  end
  local UPBIT_UUID = "9ca023a5-851b-4fec-9f0a-48cd83c2eaae"
  local UPBIT_UUID_RESERVED = "0b2a6f0e-3c1d-4e59-8f7a-5d4c3b2a1908"

  rows("checks/exchange_binance_open_orders.lua", {
    { "passes when the bot knows every open order (by id or client id)", set = "open_orders",
      seed = HB .. bot_order("28457", "c1", "open") .. bot_order(nil, "arb-28458", "pending"),
      phase = "guard", status = "pass",
      match = "^open orders 2 on binance, all known to the bot; oldest %d+ s %(alert above 4"
        .. " orders or 60 s%)$",
      details = { open_orders = 2, orphan_orders = 0, open_orders_alert_max = 4,
                  oldest_order_s_alert_max = 60, alert = true } },
    { "fails on an open order the bot does not know (an orphan)", set = "open_orders",
      seed = HB .. bot_order("28457", "c1", "open"), phase = "guard", status = "fail",
      message = "1 open order on binance the bot does not know: BTCUSDT SELL 0.00100000"
        .. " (id 28458)", details = { orphan_orders = 1 } },
    { "fails when the bot holds an order open that binance does not list", seed = HB
        .. bot_order("777", "c7", "open", "60 s"), phase = "guard", status = "fail",
      message = "the bot holds 1 order open on binance that the exchange does not list (for"
        .. " over 30 s): c7" },
    { "gives a fresh order 30 s to appear", seed = HB .. bot_order("777", "c7", "open", "5 s"),
      phase = "guard", status = "pass", details = { open_orders = 0, alert = false } },
    { "no heartbeat is missing data in a guard cycle", phase = "guard", status = "fail",
      message = "no data: kpi.bot_status has no heartbeat" },
    { "at start, open orders are still judged against OPEN_ORDERS_MAX", set = "open_orders",
      seed = HB .. bot_order("28457", "c1", "open"), status = "fail",
      match = "^open orders 2 > limit 0 on binance" },
  })

  rows("checks/exchange_upbit_open_orders.lua", {
    { "passes when the bot knows the order by uuid", set = "open_orders",
      seed = HB .. bot_order(UPBIT_UUID, "c1", "partially_filled", nil, "upbit")
        .. bot_order(UPBIT_UUID_RESERVED, "c2", "open", nil, "upbit"),
      phase = "guard", status = "pass", details = { orphan_orders = 0 } },
    { "fails on an orphan", set = "open_orders",
      seed = HB .. bot_order(UPBIT_UUID_RESERVED, "c2", "open", nil, "upbit"), phase = "guard",
      status = "fail",
      message = "1 open order on upbit the bot does not know: KRW-BTC bid 0.0005 (id "
        .. UPBIT_UUID .. ")" },
  })
end)
