-- Orders left open before a start are orphans; OPEN_ORDERS_MAX (default 0).
local probe = require("exchange.probe")
return {
  id = "exchange.binance.open_orders",
  title = "No unexpected open orders on Binance",
  tags = { "exchange", "binance", "orders", "guard" },
  run = function(ctx) return probe.open_orders("binance", ctx) end,
}
