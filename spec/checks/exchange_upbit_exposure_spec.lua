local pack = require("pack")

describe("checks/exchange_upbit_exposure.lua", function()
  local file = "checks/exchange_upbit_exposure.lua"
  for _, row in ipairs({
    { "passes alone at 838.28 USD (exposure.combined judges the sum)",
      set = "over_cap_combined", status = "pass",
      message = "upbit exposure 838.28 USD (holdings 738.28 + planned 100.00)"
        .. " within cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes under the paper cap", status = "pass",
      message = "upbit exposure 297.24 USD (holdings 197.24 + planned 100.00)"
        .. " within cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "fails over the cap", set = "over_cap", status = "fail",
      message = "upbit exposure 1086.21 USD (holdings 986.21 + planned 100.00)"
        .. " > cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "passes in live mode under LIVE_MAX_NOTIONAL_USD", mode = "live",
      env = { LIVE_MAX_NOTIONAL_USD = "300" }, status = "pass",
      message = "upbit exposure 297.24 USD (holdings 197.24 + planned 100.00)"
        .. " within cap 300.00 USD (LIVE_MAX_NOTIONAL_USD)" },
    { "fails when the market is delisted", set = "delisted", status = "fail",
      message = "upbit GET /v1/ticker?markets=KRW-BTC: HTTP 404: 404: Code not found" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
