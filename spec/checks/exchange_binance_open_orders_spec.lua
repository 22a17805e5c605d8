local pack = require("pack")

describe("checks/exchange_binance_open_orders.lua", function()
  local file = "checks/exchange_binance_open_orders.lua"
  for _, row in ipairs({
    { "fails a loosened OPEN_ORDERS_MAX in live mode (only tightening is allowed)",
      mode = "live", set = "open_orders", env = { OPEN_ORDERS_MAX = "10000" }, status = "fail",
      message = "OPEN_ORDERS_MAX=10000 is looser than live mode allows (at most 0)" },
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes with no open orders", status = "pass", message = "open orders 0 <= limit 0 on"
      .. " binance" },
    { "fails on stray open orders", set = "open_orders", status = "fail",
      message = "open orders 2 > limit 0 on binance: BTCUSDT BUY 0.00100000 @ 95000.00000000,"
        .. " BTCUSDT SELL 0.00100000 @ 99000.00000000" },
    { "passes them under a raised OPEN_ORDERS_MAX", set = "open_orders",
      env = { OPEN_ORDERS_MAX = "2" }, status = "pass", message = "open orders 2 <= limit 2 on"
        .. " binance" },
    { "fails when the signed request is refused for its timestamp", set = "skewed_clock",
      status = "fail",
      message = "binance GET /api/v3/openOrders: HTTP 400: -1021 Timestamp for this request was"
        .. " 1000ms ahead of the server's time." },
    { "fails without the API secret", env = { BINANCE_API_SECRET = "" }, status = "fail",
      message = "BINANCE_API_SECRET is not set" },
    { "fails on a timeout, the signature kept out of the message", set = "timeout", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/api/v3/openOrders" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
