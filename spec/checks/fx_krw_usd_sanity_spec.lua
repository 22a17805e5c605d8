local pack = require("pack")

describe("checks/fx_krw_usd_sanity.lua", function()
  local file = "checks/fx_krw_usd_sanity.lua"
  for _, row in ipairs({
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "skips when no KRW is converted", env = { UPBIT_QUOTE = "USDT" }, status = "skip",
      message = "UPBIT_QUOTE is USDT: no KRW amount is converted to USD" },
    { "passes when KRW-USDT agrees with FX_KRW_PER_USD", status = "pass",
      message = "upbit KRW-USDT 1450 KRW is 0.0% from FX_KRW_PER_USD 1450, within 3%" },
    { "passes within the deviation", env = { FX_KRW_PER_USD = "1420" }, status = "pass",
      message = "upbit KRW-USDT 1450 KRW is 2.1% from FX_KRW_PER_USD 1420, within 3%" },
    { "fails a 100x wrong rate", set = "fx_off", status = "fail",
      message = "upbit KRW-USDT 14.5 KRW is 99.0% from FX_KRW_PER_USD 1450, over the 3% limit:"
        .. " KRW amounts would be valued wrongly in USD" },
    { "fails just over the deviation", env = { FX_KRW_PER_USD = "1400" }, status = "fail",
      message = "upbit KRW-USDT 1450 KRW is 3.6% from FX_KRW_PER_USD 1400, over the 3% limit:"
        .. " KRW amounts would be valued wrongly in USD" },
    { "fails without a reference rate", env = { FX_KRW_PER_USD = pack.UNSET }, status = "fail",
      message = "FX_KRW_PER_USD is not set" },
    { "fails a loosened deviation in live mode", mode = "live",
      env = { FX_MAX_DEVIATION_PCT = "10" }, status = "fail",
      message = "FX_MAX_DEVIATION_PCT=10 is looser than live mode allows (at most 5)" },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "upbit GET /v1/ticker?markets=KRW-USDT: HTTP 502" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
