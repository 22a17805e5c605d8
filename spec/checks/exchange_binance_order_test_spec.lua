local pack = require("pack")

describe("checks/exchange_binance_order_test.lua", function()
  local file = "checks/exchange_binance_order_test.lua"
  for _, row in ipairs({
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes when the dry run is accepted", status = "pass",
      message = "binance accepted the dry run of BTCUSDT BUY 0.00103 @ 97000.00 = 99.91 USDT"
        .. " (POST /api/v3/order/test; nothing placed)" },
    { "dry-runs both sides of a lone exchange", env = { EXCHANGES = "binance" },
      status = "pass",
      message = "binance accepted the dry run of BTCUSDT BUY 0.00103 @ 97000.00 = 99.91 USDT,"
        .. " BTCUSDT SELL 0.00103 @ 97000.00 = 99.91 USDT (POST /api/v3/order/test; nothing"
        .. " placed)" },
    { "fails when the key may not trade", set = "no_trade_permission", status = "fail",
      message = "binance POST /api/v3/order/test: HTTP 401: -2015 Invalid API-key, IP, or"
        .. " permissions for action." },
    { "fails when a filter refuses the order", set = "below_minimum", status = "fail",
      message = "binance POST /api/v3/order/test: HTTP 400: -1013 Filter failure: NOTIONAL" },
    { "fails on an undocumented answer", set = "garbled", status = "fail",
      message = "binance POST /api/v3/order/test: the answer is not a JSON object" },
    { "fails when the server refuses the timestamp", set = "skewed_clock", status = "fail",
      message = "binance POST /api/v3/order/test: HTTP 400: -1021 Timestamp for this request"
        .. " was 1000ms ahead of the server's time." },
    { "fails without the secret", env = { BINANCE_API_SECRET = pack.UNSET }, status = "fail",
      message = "BINANCE_API_SECRET is not set" },
    { "fails when rate limited", set = "rate_limited", status = "fail",
      message = "binance rate limited: HTTP 429 on GET /api/v3/exchangeInfo?symbol=BTCUSDT,"
        .. " Retry-After 30 s" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
