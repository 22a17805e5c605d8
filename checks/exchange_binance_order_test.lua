-- Dry-run of the signed order path with the planned order (POST /api/v3/order/test):
-- validated like a real order, never placed (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.binance.order_test",
  title = "Binance accepts a dry run of the planned order on the signed order path",
  tags = { "exchange", "binance", "orders" },
  run = function(ctx) return probe.order_test("binance", ctx) end,
}
