-- The planned order (exchange.plan) satisfies the market's rules:
-- GET /v1/orders/chance: state, sides, min_total, max_total.
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.order_rules",
  title = "Upbit accepts the planned order's size and price under its market rules",
  tags = { "exchange", "upbit", "orders" },
  run = function(ctx) return probe.order_rules("upbit", ctx) end,
}
