local pack = require("pack")
local plan = require("exchange.plan")

describe("exchange.plan", function()
  local env
  before_each(function() env = {} pack.fake(env) end)
  after_each(pack.unfake)

  it("buys on the first exchange of EXCHANGES and sells on the second", function()
    assert.same({ "buy" }, plan.sides("binance"))
    assert.same({ "sell" }, plan.sides("upbit"))
    env.EXCHANGES = "upbit,binance"
    assert.same({ "buy" }, plan.sides("upbit"))
    assert.same({ "sell" }, plan.sides("binance"))
  end)

  it("holds a lone exchange to both sides, and refuses one not configured", function()
    env.EXCHANGES = "upbit"
    assert.same({ "buy", "sell" }, plan.sides("upbit"))
    assert.same({ nil, "binance is not a leg of the planned order (EXCHANGES upbit)" },
      { plan.sides("binance") })
    env.EXCHANGES = "upbit,upbit"
    assert.same({ nil, 'EXCHANGES names "upbit" twice' }, { plan.sides("upbit") })
  end)

  it("sizes the order from PLANNED_NOTIONAL_USD and TRADE_ASSETS", function()
    assert.same({ 100, { "BTC" } }, { plan.size({ mode = "paper" }) })
    env.PLANNED_NOTIONAL_USD = "0"
    assert.same({ nil, "PLANNED_NOTIONAL_USD is 0: there is no order to check" },
      { plan.size({ mode = "paper" }) })
    env.PLANNED_NOTIONAL_USD = "1e3"
    assert.equal('PLANNED_NOTIONAL_USD must be a plain decimal number from 0 to 100000, got "1e3"',
      select(2, plan.size({ mode = "paper" })))
  end)

  it("rounds down to an exchange's step and prints plain decimals", function()
    assert.equal(5, plan.decimals("0.00001000"))
    assert.equal(2, plan.decimals("0.01000000"))
    assert.equal(0, plan.decimals("1.00000000"))
    assert.equal(0, plan.decimals("10"))
    assert.same({ 0.00103, "0.00103" }, { plan.floor_to(100 / 97000, 0.00001, 5) })
    assert.same({ 97000.01, "97000.01" }, { plan.floor_to(97000.019, 0.01, 2) })
    -- an exact multiple stays (no float drift one step down)
    assert.same({ 0.3, "0.3" }, { plan.floor_to(0.3, 0.1, 1) })
    assert.equal("143000000", plan.plain(143000000.0))
    assert.equal("0.0010139", plan.plain(0.0010139))
    assert.equal("14.5", plan.plain(14.5))
  end)
end)
