-- examples/kpi/schema.sql: the tables a trading bot writes so that
-- preflight's KPI checks (checks/kpi_*.lua, docs/KPI-SCHEMA.md) can read
-- them. Idempotent: run it as the database owner before the bot's first
-- start (psql -v ON_ERROR_STOP=1 -f examples/kpi/schema.sql). All times
-- are timestamptz; the checks compare them with the database's now().
BEGIN;

CREATE SCHEMA IF NOT EXISTS kpi;

-- The bot's liveness: one row, updated at least every 10 s while it runs.
-- In guard cycles a heartbeat older than 300 s (or none) is missing data.
CREATE TABLE IF NOT EXISTS kpi.bot_status (
    id           integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    heartbeat_at timestamptz NOT NULL,
    started_at   timestamptz
);

-- One row per order leg the bot decides to send (KPI 1, 2, 4, 5, 8),
-- written before the request goes out and updated as the order moves.
CREATE TABLE IF NOT EXISTS kpi.order_attempts (
    attempt_id        text PRIMARY KEY,      -- the client order id sent
    arb_id            text NOT NULL,         -- groups the legs of one arbitrage
    exchange          text NOT NULL,         -- 'binance', 'upbit'
    symbol            text NOT NULL,         -- 'BTCUSDT', 'KRW-BTC'
    side              text NOT NULL CHECK (side IN ('buy', 'sell')),
    qty               numeric NOT NULL CHECK (qty > 0),
    decision_price    numeric NOT NULL CHECK (decision_price > 0),
    decided_at        timestamptz NOT NULL,
    sent_at           timestamptz,           -- the order request left
    acked_at          timestamptz,           -- the exchange acknowledged it
    state             text NOT NULL CHECK (state IN ('pending', 'open',
                          'partially_filled', 'filled', 'canceled',
                          'rejected', 'expired', 'unknown')),
    exchange_order_id text,                  -- once acknowledged
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS order_attempts_decided
    ON kpi.order_attempts (decided_at);
CREATE INDEX IF NOT EXISTS order_attempts_open
    ON kpi.order_attempts (exchange, state);

-- One row per execution (trade) of an order leg (KPI 2).
CREATE TABLE IF NOT EXISTS kpi.fills (
    fill_id    text PRIMARY KEY,             -- '<exchange>:<trade id>'
    attempt_id text NOT NULL REFERENCES kpi.order_attempts (attempt_id),
    filled_at  timestamptz NOT NULL,
    price      numeric NOT NULL CHECK (price > 0),
    qty        numeric NOT NULL CHECK (qty > 0),
    fee_usd    numeric NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS fills_filled ON kpi.fills (filled_at);

-- One row per request to an exchange API, answered or not (KPI 5, 6).
CREATE TABLE IF NOT EXISTS kpi.exchange_requests (
    id          bigserial PRIMARY KEY,
    exchange    text NOT NULL,
    endpoint    text NOT NULL,               -- 'GET /api/v3/ticker/price'
    sent_at     timestamptz NOT NULL,
    latency_ms  double precision,            -- NULL when nothing came back
    http_status integer,                     -- NULL when nothing came back
    outcome     text NOT NULL CHECK (outcome IN ('ok', 'http_error',
                    'timeout', 'connection_error'))
);
CREATE INDEX IF NOT EXISTS exchange_requests_sent
    ON kpi.exchange_requests (exchange, sent_at);

-- Realized PnL net of fees, one row per realizing event (KPI 3).
CREATE TABLE IF NOT EXISTS kpi.pnl (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL,
    arb_id       text,
    realized_usd numeric NOT NULL           -- this event's change, net of fees
);
CREATE INDEX IF NOT EXISTS pnl_at ON kpi.pnl (at);

-- What the bot expects each exchange to hold: start + fills - fees (KPI 9).
CREATE TABLE IF NOT EXISTS kpi.expected_balances (
    exchange   text NOT NULL,
    asset      text NOT NULL,                -- 'BTC', 'USDT', 'KRW'
    expected   numeric NOT NULL,             -- free + locked
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (exchange, asset)
);

-- The unhedged exposure across exchanges in USD, a row at least every
-- 10 s while the bot runs (KPI 9).
CREATE TABLE IF NOT EXISTS kpi.exposure_snapshots (
    at           timestamptz PRIMARY KEY,
    unhedged_usd numeric NOT NULL CHECK (unhedged_usd >= 0)
);

COMMIT;
