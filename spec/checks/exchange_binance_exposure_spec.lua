local pack = require("pack")

describe("checks/exchange_binance_exposure.lua", function()
  local file = "checks/exchange_binance_exposure.lua"
  for _, row in ipairs({
    { "passes alone at 843.90 USD (exposure.combined judges the sum)",
      set = "over_cap_combined", status = "pass",
      message = "binance exposure 843.90 USD (holdings 743.90 + planned 100.00)"
        .. " within cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes under the paper cap", status = "pass",
      message = "binance exposure 294.00 USD (holdings 194.00 + planned 100.00)"
        .. " within cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "fails over the cap", set = "over_cap", status = "fail",
      message = "binance exposure 1070.00 USD (holdings 970.00 + planned 100.00)"
        .. " > cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "uses LIVE_MAX_NOTIONAL_USD when set", env = { LIVE_MAX_NOTIONAL_USD = "150" },
      status = "fail",
      message = "binance exposure 294.00 USD (holdings 194.00 + planned 100.00)"
        .. " > cap 150.00 USD (LIVE_MAX_NOTIONAL_USD)" },
    { "in a guard cycle counts the holdings only (the orders are in them)", phase = "guard",
      env = { PLANNED_NOTIONAL_USD = "5000x" }, status = "pass",
      message = "binance exposure 194.00 USD (holdings 194.00 + planned 0.00)"
        .. " within cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "in a guard cycle the planned notional does not push it over", set = "over_cap",
      phase = "guard", status = "pass",
      message = "binance exposure 970.00 USD (holdings 970.00 + planned 0.00)"
        .. " within cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "in a guard cycle fails holdings over the cap", set = "over_cap", phase = "guard",
      env = { PAPER_MAX_NOTIONAL_USD = "900" }, status = "fail",
      message = "binance exposure 970.00 USD (holdings 970.00 + planned 0.00)"
        .. " > cap 900.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "needs LIVE_MAX_NOTIONAL_USD in live mode", mode = "live", status = "fail",
      message = "LIVE_MAX_NOTIONAL_USD is not set" },
    { "fails when the symbol is delisted", set = "delisted", status = "fail",
      message = "binance GET /api/v3/ticker/price?symbol=BTCUSDT: HTTP 400: -1121 Invalid"
        .. " symbol." },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
