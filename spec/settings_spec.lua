local pack = require("pack")
local settings = require("settings")

describe("settings", function()
  local env
  before_each(function() env = {} pack.fake(env) end)
  after_each(pack.unfake)

  it("reads a value, treating empty as unset, else the default", function()
    env.EXCHANGES = ""
    assert.equal("binance,upbit", settings.get("EXCHANGES"))
    env.EXCHANGES = "upbit"
    assert.equal("upbit", settings.get("EXCHANGES"))
    assert.is_nil(settings.get("REDIS_URL"))
    assert.is_false(settings.is_set("REDIS_URL"))
  end)

  it("needs a value: empty or absent is 'NAME is not set'", function()
    assert.same({ nil, "REDIS_URL is not set" }, { settings.need("REDIS_URL") })
    env.REDIS_URL = ""
    assert.same({ nil, "REDIS_URL is not set" }, { settings.need("REDIS_URL") })
    env.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert.equal("redis://127.0.0.1:6379/0", settings.need("REDIS_URL"))
    assert.equal("binance,upbit", settings.need("EXCHANGES")) -- its default
  end)

  it("splits comma lists, trimming", function()
    assert.same({ "a", "b" }, settings.split(" a, ,b ,"))
  end)

  it("validates numbers against their bounds", function()
    assert.equal(1000, settings.number("CLOCK_SKEW_MAX_MS"))
    env.CLOCK_SKEW_MAX_MS = "250"
    assert.equal(250, settings.number("CLOCK_SKEW_MAX_MS"))
    env.CLOCK_SKEW_MAX_MS = "2.5"
    local v, err = settings.number("CLOCK_SKEW_MAX_MS")
    assert.is_nil(v)
    assert.equal('CLOCK_SKEW_MAX_MS must be a whole number from 0 to 600000, got "2.5"', err)
    env.PLANNED_NOTIONAL_USD = "99.50"
    assert.equal(99.5, settings.number("PLANNED_NOTIONAL_USD"))
    env.PLANNED_NOTIONAL_USD = "0x10"
    assert.is_nil(settings.number("PLANNED_NOTIONAL_USD"))
    assert.same({ nil, "LIVE_MAX_NOTIONAL_USD is not set" },
      { settings.number("LIVE_MAX_NOTIONAL_USD") })
  end)

  it("reads KEY_EXPIRY_MIN_DAYS as whole days, 30 by default", function()
    assert.equal(30, settings.number("KEY_EXPIRY_MIN_DAYS"))
    env.KEY_EXPIRY_MIN_DAYS = "7"
    assert.equal(7, settings.number("KEY_EXPIRY_MIN_DAYS"))
    for _, bad in ipairs({ "7.5", "-1", "3651", "30d" }) do
      env.KEY_EXPIRY_MIN_DAYS = bad
      assert.same({ nil, ('KEY_EXPIRY_MIN_DAYS must be a whole number from 0 to 3650, got "%s"')
        :format(bad) }, { settings.number("KEY_EXPIRY_MIN_DAYS") })
    end
  end)

  it("knows the exchanges and refuses unknown or repeated ones", function()
    assert.same({ "binance", "upbit" }, settings.exchanges())
    env.EXCHANGES = "upbit,upbit"
    assert.same({ nil, 'EXCHANGES names "upbit" twice' }, { settings.exchanges() })
    env.EXCHANGES = "upbit"
    assert.is_false(settings.enabled("binance"))
    assert.is_true(settings.enabled("upbit"))
  end)

  it("requires the keys of configured exchanges, and the cap in live mode", function()
    env.EXCHANGES = "binance"
    assert.same({ "BINANCE_API_KEY", "BINANCE_API_SECRET", "REDIS_URL", "DATABASE_URL" },
      settings.required("paper"))
    assert.same({ "BINANCE_API_KEY", "BINANCE_API_SECRET", "REDIS_URL", "DATABASE_URL",
      "LIVE_MAX_NOTIONAL_USD" }, settings.required("live"))
    env.BINANCE_API_KEY = "k"
    env.REDIS_URL = ""
    assert.same({ "BINANCE_API_SECRET", "REDIS_URL", "DATABASE_URL" }, settings.missing("paper"))
  end)

  it("takes the cap from LIVE_MAX_NOTIONAL_USD in live mode or when set", function()
    assert.same({ 1000, "PAPER_MAX_NOTIONAL_USD" }, { settings.cap("paper") })
    assert.same({ nil, "LIVE_MAX_NOTIONAL_USD is not set" }, { settings.cap("live") })
    env.LIVE_MAX_NOTIONAL_USD = "250"
    assert.same({ 250, "LIVE_MAX_NOTIONAL_USD" }, { settings.cap("paper") })
  end)

  it("lets live mode only tighten a threshold, naming the limit", function()
    env.OPEN_ORDERS_MAX = "10000"
    assert.equal(10000, settings.threshold("OPEN_ORDERS_MAX", { mode = "paper" }))
    assert.same({ nil, "OPEN_ORDERS_MAX=10000 is looser than live mode allows (at most 0)" },
      { settings.threshold("OPEN_ORDERS_MAX", { mode = "live" }) })
    env.OPEN_ORDERS_MAX = "0"
    assert.equal(0, settings.threshold("OPEN_ORDERS_MAX", "live"))
    env.KEY_EXPIRY_MIN_DAYS = "6"
    assert.same({ nil, "KEY_EXPIRY_MIN_DAYS=6 is looser than live mode allows (at least 7)" },
      { settings.threshold("KEY_EXPIRY_MIN_DAYS", "live") })
    env.KEY_EXPIRY_MIN_DAYS = "7"
    assert.equal(7, settings.threshold("KEY_EXPIRY_MIN_DAYS", "live"))
    assert.equal(1000, settings.threshold("CLOCK_SKEW_MAX_MS", "live"))
    env.CLOCK_SKEW_MAX_MS = "1001"
    assert.same({ nil, "CLOCK_SKEW_MAX_MS=1001 is looser than live mode allows (at most 1000)" },
      { settings.threshold("CLOCK_SKEW_MAX_MS", "live") })
    env.RATE_LIMIT_MIN_HEADROOM_PCT = "19.9"
    assert.same({ nil, "RATE_LIMIT_MIN_HEADROOM_PCT=19.9 is looser than live mode allows"
      .. " (at least 20)" }, { settings.threshold("RATE_LIMIT_MIN_HEADROOM_PCT", "live") })
    assert.equal(3, settings.threshold("FX_MAX_DEVIATION_PCT", "live"))
    env.FX_MAX_DEVIATION_PCT = "5.5"
    assert.same({ nil, "FX_MAX_DEVIATION_PCT=5.5 is looser than live mode allows (at most 5)" },
      { settings.threshold("FX_MAX_DEVIATION_PCT", "live") })
    env.FX_MAX_DEVIATION_PCT = "x"
    assert.same({ nil, 'FX_MAX_DEVIATION_PCT must be a plain decimal number from 0 to 100,'
      .. ' got "x"' }, { settings.threshold("FX_MAX_DEVIATION_PCT", "live") })
    -- a number without a live limit is as settings.number says
    env.PLANNED_NOTIONAL_USD = "5000"
    assert.equal(5000, settings.threshold("PLANNED_NOTIONAL_USD", "live"))
  end)

  it("validates the traded assets", function()
    assert.same({ "BTC" }, settings.assets())
    env.TRADE_ASSETS = "BTC, ETH"
    assert.same({ "BTC", "ETH" }, settings.assets())
    env.TRADE_ASSETS = "BTC,ETH-2"
    assert.same({ nil, 'TRADE_ASSETS entry "ETH-2" is not an asset symbol like BTC' },
      { settings.assets() })
  end)
end)
