-- The planned order (exchange.plan) satisfies the market's rules:
-- exchangeInfo PRICE_FILTER, LOT_SIZE, MIN_NOTIONAL/NOTIONAL.
local probe = require("exchange.probe")
return {
  id = "exchange.binance.order_rules",
  title = "Binance accepts the planned order's size and price under its market rules",
  tags = { "exchange", "binance", "orders" },
  run = function(ctx) return probe.order_rules("binance", ctx) end,
}
