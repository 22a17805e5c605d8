local pack = require("pack")

describe("checks/exchange_upbit_open_orders.lua", function()
  local file = "checks/exchange_upbit_open_orders.lua"
  for _, row in ipairs({
    { "fails a loosened OPEN_ORDERS_MAX in live mode (only tightening is allowed)",
      mode = "live", set = "open_orders", env = { OPEN_ORDERS_MAX = "10000" }, status = "fail",
      message = "OPEN_ORDERS_MAX=10000 is looser than live mode allows (at most 0)" },
    { "keeps a loosened OPEN_ORDERS_MAX in paper mode", set = "open_orders",
      env = { OPEN_ORDERS_MAX = "10000" }, status = "pass",
      message = "open orders 2 <= limit 10000 on upbit" },
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes with no waiting orders", status = "pass", message = "open orders 0 <= limit 0 on"
      .. " upbit" },
    -- a waiting bid and a reserved (state=watch) ask, both from /v1/orders/open
    { "fails on stray orders, reserved ones included", set = "open_orders", status = "fail",
      message = "open orders 2 > limit 0 on upbit: KRW-BTC bid 0.0005 @ 140000000, KRW-BTC ask"
        .. " 0.0005 @ 150000000" },
    { "passes both when OPEN_ORDERS_MAX allows them", set = "open_orders",
      env = { OPEN_ORDERS_MAX = "2" }, status = "pass", message = "open orders 2 <= limit 2 on"
        .. " upbit" },
    { "fails a garbled answer (an object, not a list)", set = "garbled", status = "fail",
      message = "upbit /v1/orders/open is not a list" },
    { "fails without the secret key", env = { UPBIT_SECRET_KEY = pack.UNSET }, status = "fail",
      message = "UPBIT_SECRET_KEY is not set" },
    { "fails on a malformed OPEN_ORDERS_MAX", env = { OPEN_ORDERS_MAX = "-1" }, status = "fail",
      message = 'OPEN_ORDERS_MAX must be a whole number from 0 to 10000, got "-1"' },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "upbit unreachable: timeout after 2000 ms: GET"
        .. " https://api.upbit.com/v1/orders/open?state=wait&page=1&limit=100" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
