-- The KRW/USD rate implied by Upbit's KRW-USDT price lies within
-- FX_MAX_DEVIATION_PCT of FX_KRW_PER_USD (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "fx.krw_usd_sanity",
  title = "Upbit's KRW-USDT rate agrees with FX_KRW_PER_USD",
  tags = { "exchange", "upbit", "fx" },
  run = function(ctx) return probe.krw_usd_sanity(ctx) end,
}
