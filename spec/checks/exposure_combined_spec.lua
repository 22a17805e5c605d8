local pack = require("pack")

describe("checks/exposure_combined.lua", function()
  local file = "checks/exposure_combined.lua"
  for _, row in ipairs({
    { "passes when both exchanges together stay under the cap", status = "pass",
      message = "combined exposure 591.24 USD (binance 294.00 + upbit 297.24; each holdings +"
        .. " planned 100.00) within cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "fails 843.90 + 838.28 USD against a 1000 cap (each alone passes)",
      set = "over_cap_combined", status = "fail",
      message = "combined exposure 1682.18 USD (binance 843.90 + upbit 838.28; each holdings +"
        .. " planned 100.00) > cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "fails over the cap", set = "over_cap", status = "fail",
      message = "combined exposure 2156.21 USD (binance 1070.00 + upbit 1086.21; each holdings +"
        .. " planned 100.00) > cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "judges a lone exchange alone", env = { EXCHANGES = "binance" }, status = "pass",
      message = "combined exposure 294.00 USD (binance 294.00; each holdings + planned 100.00)"
        .. " within cap 1000.00 USD (PAPER_MAX_NOTIONAL_USD)" },
    { "uses LIVE_MAX_NOTIONAL_USD in live mode", mode = "live",
      env = { LIVE_MAX_NOTIONAL_USD = "500" }, status = "fail",
      message = "combined exposure 591.24 USD (binance 294.00 + upbit 297.24; each holdings +"
        .. " planned 100.00) > cap 500.00 USD (LIVE_MAX_NOTIONAL_USD)" },
    { "needs LIVE_MAX_NOTIONAL_USD in live mode", mode = "live", status = "fail",
      message = "LIVE_MAX_NOTIONAL_USD is not set" },
    { "fails on a malformed EXCHANGES", env = { EXCHANGES = "binance,ftx" }, status = "fail",
      message = 'EXCHANGES names unknown exchange "ftx" (known: binance, upbit)' },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/api/v3/account" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
