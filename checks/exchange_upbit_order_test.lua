-- Dry-run of the signed order path with the planned order (POST /v1/orders/test):
-- validated like a real order, never placed (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.order_test",
  title = "Upbit accepts a dry run of the planned order on the signed order path",
  tags = { "exchange", "upbit", "orders" },
  run = function(ctx) return probe.order_test("upbit", ctx) end,
}
