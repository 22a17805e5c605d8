local pack = require("pack")
local probe = require("exchange.probe")

describe("exchange.probe", function()
  local env
  before_each(function() env = {} pack.fake(env) end)
  after_each(pack.unfake)

  it("skips (never passes) an exchange that is not configured", function()
    env.EXCHANGES = "upbit"
    for _, f in ipairs({ "health", "clock_skew", "rate_limit", "open_orders", "balance",
                         "exposure", "order_rules", "order_test" }) do
      assert.same({ status = "skip", message = "binance is not in EXCHANGES (upbit)" },
        probe[f]("binance", { mode = "paper" }))
    end
  end)

  it("fails every probe on a malformed EXCHANGES", function()
    env.EXCHANGES = "binance,ftx"
    for _, f in ipairs({ "health", "clock_skew", "rate_limit", "open_orders", "balance",
                         "exposure", "order_rules", "order_test" }) do
      assert.equal('EXCHANGES names unknown exchange "ftx" (known: binance, upbit)',
        probe[f]("binance", { mode = "paper" }).message)
    end
  end)

  it("skips the KRW/USD sanity check without Upbit, fails it on a malformed EXCHANGES",
    function()
      env.EXCHANGES = "binance"
      assert.same({ status = "skip", message = "upbit is not in EXCHANGES (binance)" },
        probe.krw_usd_sanity({ mode = "paper" }))
      env.EXCHANGES = "binance,ftx"
      assert.equal('EXCHANGES names unknown exchange "ftx" (known: binance, upbit)',
        probe.krw_usd_sanity({ mode = "paper" }).message)
      assert.equal('EXCHANGES names unknown exchange "ftx" (known: binance, upbit)',
        probe.exposure_combined({ mode = "paper" }).message)
    end)

  it("gives the adapter of a configured exchange", function()
    assert.equal("upbit", probe.adapter("upbit").name)
    assert.equal("binance", probe.adapter("binance").name)
  end)
end)
