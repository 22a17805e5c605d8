local pack = require("pack")

describe("checks/exchange_upbit_open_orders.lua", function()
  local file = "checks/exchange_upbit_open_orders.lua"
  for _, row in ipairs({
    { "fails a loosened OPEN_ORDERS_MAX in live mode (only tightening is allowed)",
      mode = "live", set = "open_orders", env = { OPEN_ORDERS_MAX = "10000" }, status = "fail",
      message = "OPEN_ORDERS_MAX=10000 is looser than live mode allows (at most 0)" },
    { "keeps a loosened OPEN_ORDERS_MAX in paper mode", set = "open_orders",
      env = { OPEN_ORDERS_MAX = "10000" }, status = "pass",
      message = "open orders 1 <= limit 10000 on upbit" },
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes with no waiting orders", status = "pass", message = "open orders 0 <= limit 0 on"
      .. " upbit" },
    { "fails on a stray order", set = "open_orders", status = "fail",
      message = "open orders 1 > limit 0 on upbit: KRW-BTC bid 0.0005 @ 140000000" },
    { "fails without the secret key", env = { UPBIT_SECRET_KEY = pack.UNSET }, status = "fail",
      message = "UPBIT_SECRET_KEY is not set" },
    { "fails on a malformed OPEN_ORDERS_MAX", env = { OPEN_ORDERS_MAX = "-1" }, status = "fail",
      message = 'OPEN_ORDERS_MAX must be a whole number from 0 to 10000, got "-1"' },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "upbit unreachable: timeout after 2000 ms: GET"
        .. " https://api.upbit.com/v1/orders?state=wait" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
