local pack = require("pack")

describe("checks/settings_required_present.lua", function()
  local file = "checks/settings_required_present.lua"
  local all = "BINANCE_API_KEY, BINANCE_API_SECRET, UPBIT_ACCESS_KEY, UPBIT_SECRET_KEY,"
    .. " REDIS_URL, DATABASE_URL"
  for _, row in ipairs({
    { "fails a loosened threshold in live mode, naming the limit", mode = "live",
      env = { LIVE_MAX_NOTIONAL_USD = "250", OPEN_ORDERS_MAX = "3" }, status = "fail",
      message = "OPEN_ORDERS_MAX=3 is looser than live mode allows (at most 0)" },
    { "passes with the paper settings", status = "pass",
      message = "all 6 required settings are set: " .. all },
    { "needs only the configured exchanges' keys", status = "pass",
      env = { EXCHANGES = "upbit", BINANCE_API_KEY = pack.UNSET, BINANCE_API_SECRET = pack.UNSET },
      message = "all 4 required settings are set: UPBIT_ACCESS_KEY, UPBIT_SECRET_KEY,"
        .. " REDIS_URL, DATABASE_URL" },
    { "names every missing or empty setting, never a value", status = "fail",
      env = { BINANCE_API_SECRET = pack.UNSET, REDIS_URL = "" },
      message = "missing or empty in paper mode: BINANCE_API_SECRET, REDIS_URL" },
    { "needs LIVE_MAX_NOTIONAL_USD in live mode", mode = "live", status = "fail",
      message = "missing or empty in live mode: LIVE_MAX_NOTIONAL_USD" },
    { "passes in live mode with the cap", mode = "live",
      env = { LIVE_MAX_NOTIONAL_USD = "250" }, status = "pass",
      message = "all 7 required settings are set: " .. all .. ", LIVE_MAX_NOTIONAL_USD" },
    { "fails on an unknown exchange", env = { EXCHANGES = "binance,bitmex" }, status = "fail",
      message = 'EXCHANGES names unknown exchange "bitmex" (known: binance, upbit)' },
    { "fails on an empty exchange list", env = { EXCHANGES = " , " }, status = "fail",
      message = "EXCHANGES names no exchange" },
    { "fails on malformed numbers", status = "fail",
      env = { CLOCK_SKEW_MAX_MS = "fast", PAPER_MAX_NOTIONAL_USD = "-5" },
      message = 'CLOCK_SKEW_MAX_MS must be a whole number from 0 to 600000, got "fast";'
        .. ' PAPER_MAX_NOTIONAL_USD must be a plain decimal number from 0 to 100000, got "-5"' },
    { "fails on a malformed asset list", env = { TRADE_ASSETS = "BTC,eth" }, status = "fail",
      message = 'TRADE_ASSETS entry "eth" is not an asset symbol like BTC' },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end

  it("never shows a secret value", function()
    local c = pack.run(file, { env = { UPBIT_SECRET_KEY = pack.UNSET } })
    assert.equal("fail", c.status)
    assert.falsy(c.message:find("paper-fake", 1, true))
  end)
end)
