-- Holdings plus the planned notional on every exchange in EXCHANGES,
-- together, within the cap: each exchange alone may pass while the sum
-- does not (exchange.probe).
local probe = require("exchange.probe")
return {
  id = "exposure.combined",
  title = "Holdings plus the planned notional across all exchanges stay within the cap",
  tags = { "exchange", "exposure" },
  run = function(ctx) return probe.exposure_combined(ctx) end,
}
