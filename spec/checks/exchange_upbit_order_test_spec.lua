local pack = require("pack")

describe("checks/exchange_upbit_order_test.lua", function()
  local file = "checks/exchange_upbit_order_test.lua"
  for _, row in ipairs({
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes when the dry run is accepted", status = "pass",
      message = "upbit accepted the dry run of KRW-BTC ask 0.00101398 @ 143000000 = 144999 KRW"
        .. " (POST /v1/orders/test; nothing placed)" },
    { "fails when the key may not order", set = "no_trade_permission", status = "fail",
      message = "upbit POST /v1/orders/test: HTTP 401: out_of_scope: 권한이 부족합니다." },
    { "fails under min_total", set = "below_minimum", status = "fail",
      message = "upbit POST /v1/orders/test: HTTP 400: under_min_total_ask: 최소주문금액 이상으로"
        .. " 주문해주세요" },
    { "fails when the market is offline", set = "lot_size", status = "fail",
      message = "upbit POST /v1/orders/test: HTTP 400: market_offline: 시장이 일시적으로"
        .. " 중단되었습니다." },
    { "fails on an answer that is not the order", set = "garbled", status = "fail",
      message = "upbit POST /v1/orders/test: the answer is not a KRW-BTC limit order" },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "upbit unreachable: timeout after 2000 ms: GET"
        .. " https://api.upbit.com/v1/ticker?markets=KRW-USDT" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
