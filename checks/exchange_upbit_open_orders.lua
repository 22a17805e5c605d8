-- Orders left open before a start are orphans; OPEN_ORDERS_MAX (default 0).
local probe = require("exchange.probe")
return {
  id = "exchange.upbit.open_orders",
  title = "No unexpected open orders on Upbit",
  tags = { "exchange", "upbit", "orders", "guard" },
  run = function(ctx) return probe.open_orders("upbit", ctx) end,
}
