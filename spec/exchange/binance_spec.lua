local binance = require("exchange.binance")
local pack = require("pack")

describe("exchange.binance", function()
  it("signs Binance's documented example (through the host's crypto)", function()
    assert.equal("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
      pack.eval([[return require("exchange.binance").sign(
        "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
        .. "&recvWindow=5000&timestamp=1499827319559")]]))
  end)

  it("builds the signed query: params, recvWindow, timestamp, signature", function()
    local q = pack.eval([[return require("exchange.binance").signed_query(
      { { "symbol", "LTCBTC" }, { "side", "BUY" }, { "type", "LIMIT" }, { "timeInForce", "GTC" },
        { "quantity", 1 }, { "price", 0.1 } },
      "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j", 1499827319559)]])
    assert.equal("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
      .. "&recvWindow=5000&timestamp=1499827319559"
      .. "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", q)
  end)

  it("sends the API key header and hides the signature", function()
    local http = {}
    local fake = pack.fake({ BINANCE_API_KEY = "k", BINANCE_API_SECRET = "s" }, http)
    fake.crypto = { hmac_sha256 = function() return "ff" end }
    local _, err = binance.signed(nil, "/api/v3/openOrders")
    assert.equal("k", fake.requests[1].headers["X-MBX-APIKEY"])
    assert.equal("https://api.binance.com/api/v3/openOrders?recvWindow=5000"
      .. "&timestamp=1764213780500&signature=ff", fake.requests[1].url)
    assert.equal("no fixture for GET https://api.binance.com/api/v3/openOrders",
      err:gsub("^binance unreachable: ", ""))
    pack.unfake()
  end)

  it("reads the used weight and the published limit", function()
    assert.equal(22, binance.used_weight({ ["x-mbx-used-weight-1m"] = "22" }))
    assert.same({ nil, "binance sent no X-MBX-USED-WEIGHT-1M header" }, { binance.used_weight({}) })
    assert.same({ nil, 'binance X-MBX-USED-WEIGHT-1M is "lots", not a number' },
      { binance.used_weight({ ["x-mbx-used-weight-1m"] = "lots" }) })
    assert.equal(6000, binance.weight_limit({ rateLimits = {
      { rateLimitType = "ORDERS", interval = "SECOND", intervalNum = 10, limit = 100 },
      { rateLimitType = "REQUEST_WEIGHT", interval = "MINUTE", intervalNum = 1,
        limit = 6000.0 } } }))
    assert.equal(1200, binance.weight_limit({ rateLimits = {
      { rateLimitType = "REQUEST_WEIGHT", interval = "MINUTE", intervalNum = 1, limit = 1200 } } }))
    assert.equal(binance.DEFAULT_WEIGHT_LIMIT, binance.weight_limit({}))
  end)

  it("reads Binance's error bodies", function()
    assert.equal("-1121 Invalid symbol.", binance.error_text({ code = -1121.0, msg = "Invalid"
      .. " symbol." }))
    assert.is_nil(binance.error_text({ msg = "x" }))
  end)

  it("names symbols against BINANCE_QUOTE and values stablecoins at 1 USD", function()
    pack.fake({ BINANCE_QUOTE = "FDUSD" })
    assert.equal("BTCFDUSD", binance.symbol("BTC"))
    assert.same({ "FDUSD", 1 }, { binance.quote_usd() })
    pack.unfake()
  end)
  describe("key_permissions", function()
    local url = "https://api.binance.com/sapi/v1/account/apiRestrictions?recvWindow=5000"
      .. "&timestamp=1764213780500&signature=ff"
    local function read(body)
      local fake = pack.fake({ BINANCE_API_KEY = "k", BINANCE_API_SECRET = "s" },
        { [url] = { status = 200, body = body } })
      fake.crypto = { hmac_sha256 = function() return "ff" end }
      local r = table.pack(binance.key_permissions(nil))
      pack.unfake()
      return r
    end
    local base = '"ipRestrict":true,"enableWithdrawals":false,"enableSpotAndMarginTrading":true'

    it("reads the three rights and an expiry in ms", function()
      local r = read("{" .. base .. ',"tradingAuthorityExpirationTime":1767225600000}')
      assert.same({ ip_restrict = true, withdrawals = false, spot_trading = true,
                    expires_ms = 1767225600000 }, r[1])
      assert.is_nil(read("{" .. base .. "}")[1].expires_ms)
    end)

    it("never reads a missing or non-boolean right as false or true", function()
      for _, body in ipairs({
        '{"ipRestrict":true,"enableSpotAndMarginTrading":true}',
        '{"ipRestrict":true,"enableWithdrawals":0,"enableSpotAndMarginTrading":true}',
        '{"ipRestrict":"true","enableWithdrawals":false,"enableSpotAndMarginTrading":true}',
        '{"ipRestrict":true,"enableWithdrawals":false,"enableSpotAndMarginTrading":null}',
        "[]", '"ok"',
      }) do
        local r = read(body)
        assert.is_nil(r[1], body)
        assert.truthy(r[2]:match("^binance apiRestrictions "), r[2])
      end
    end)

    it("refuses an expiry that is not a time in ms", function()
      for _, v in ipairs({ '"1767225600000"', "0", "-5", "null", "1e300" }) do
        local r = read("{" .. base .. ',"tradingAuthorityExpirationTime":' .. v .. "}")
        assert.same({ nil, "binance apiRestrictions tradingAuthorityExpirationTime is not a"
          .. " time in ms", n = 2 }, r, v)
      end
    end)
  end)
end)

describe("exchange.binance planned order", function()
  local cjson = require("cjson")
  local info_url = "https://api.binance.com/api/v3/exchangeInfo?symbol=BTCUSDT"
  local price_url = "https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT"

  --- exchangeInfo with BTCUSDT's filters changed by `edit`.
  local function world(edit)
    local s = {
      symbol = "BTCUSDT", status = "TRADING", isSpotTradingAllowed = true,
      orderTypes = { "LIMIT", "MARKET" },
      filters = {
        { filterType = "PRICE_FILTER", minPrice = "0.01000000", maxPrice = "1000000.00000000",
          tickSize = "0.01000000" },
        { filterType = "LOT_SIZE", minQty = "0.00001000", maxQty = "9000.00000000",
          stepSize = "0.00001000" },
        { filterType = "NOTIONAL", minNotional = "5.00000000", maxNotional = "9000000.00000000" },
      },
    }
    if edit then edit(s) end
    return {
      [info_url] = { status = 200, body = cjson.encode({ symbols = { s } }) },
      [price_url] = { status = 200, body = '{"symbol":"BTCUSDT","price":"97000.00000000"}' },
    }
  end
  local function filter(s, ft)
    for _, f in ipairs(s.filters) do
      if f.filterType == ft then return f end
    end
  end
  local function plan_with(edit, planned)
    pack.fake({}, world(edit))
    local o, bad = binance.order_plan(nil, "BTC", "buy", planned or 100)
    pack.unfake()
    return o, bad
  end

  it("shapes the order to tickSize and stepSize and finds no problem", function()
    local o, bad = plan_with()
    assert.same({}, bad)
    assert.equal("BTCUSDT BUY 0.00103 @ 97000.00 = 99.91 USDT", o.text)
    assert.equal("0.00103", o.qty_s)
    assert.equal("97000.00", o.price_s)
  end)

  it("names every filter the order breaks", function()
    local _, bad = plan_with(function(s)
      filter(s, "PRICE_FILTER").maxPrice = "50000.00000000"
      filter(s, "LOT_SIZE").maxQty = "0.00100000"
      filter(s, "NOTIONAL").maxNotional = "50.00000000"
      s.orderTypes = { "MARKET" }
      s.isSpotTradingAllowed = false
    end)
    assert.same({
      "BTCUSDT BUY spot trading is not allowed",
      "BTCUSDT BUY LIMIT orders are not allowed",
      "BTCUSDT BUY price 97000.00 > PRICE_FILTER maxPrice 50000",
      "BTCUSDT BUY quantity 0.00103 > LOT_SIZE maxQty 0.001",
      "BTCUSDT BUY notional 99.91 USDT > NOTIONAL maxNotional 50",
    }, bad)
    _, bad = plan_with(function(s) filter(s, "PRICE_FILTER").minPrice = "100000.00000000" end)
    assert.same({ "BTCUSDT BUY price 97000.00 < PRICE_FILTER minPrice 100000" }, bad)
  end)

  it("applies the legacy MIN_NOTIONAL filter too", function()
    local _, bad = plan_with(function(s)
      s.filters[#s.filters + 1] = { filterType = "MIN_NOTIONAL", minNotional = "120.00000000",
                                    applyToMarket = true, avgPriceMins = 5 }
    end)
    assert.same({ "BTCUSDT BUY notional 99.91 USDT < MIN_NOTIONAL minNotional 120" }, bad)
  end)

  it("refuses to judge an order against filters it could not read", function()
    for _, case in ipairs({
      { function(s) table.remove(s.filters, 2) end, "binance BTCUSDT has no well-formed LOT_SIZE" },
      { function(s) filter(s, "LOT_SIZE").stepSize = "0" end,
        "binance BTCUSDT has no well-formed LOT_SIZE" },
      { function(s) filter(s, "PRICE_FILTER").tickSize = "one cent" end,
        "binance BTCUSDT has no well-formed PRICE_FILTER" },
      { function(s) table.remove(s.filters, 3) end,
        "binance BTCUSDT has no MIN_NOTIONAL or NOTIONAL filter" },
      { function(s) filter(s, "NOTIONAL").maxNotional = nil end,
        "binance BTCUSDT has a malformed NOTIONAL" },
      { function(s) s.symbol = "ETHUSDT" end, "binance does not list BTCUSDT" },
      { function(s) filter(s, "PRICE_FILTER").tickSize = "100000.00000000" end,
        "binance BTCUSDT last price 97000 is below tickSize 100000" },
    }) do
      assert.same({ nil, case[2] }, { plan_with(case[1]) })
    end
  end)

  it("accepts only the documented answer of the order dry run", function()
    local url = "https://api.binance.com/api/v3/order/test?symbol=BTCUSDT&side=BUY&type=LIMIT"
      .. "&timeInForce=GTC&quantity=0.00103&price=97000.00&recvWindow=5000"
      .. "&timestamp=1764213780500&signature=ff"
    local o = { symbol = "BTCUSDT", side = "BUY", qty_s = "0.00103", price_s = "97000.00" }
    for _, case in ipairs({
      { "{}", true },
      { '{"standardCommissionForOrder":{"maker":"0.001","taker":"0.001"},"discount":{}}', true },
      { "[]", nil, "binance POST /api/v3/order/test: the answer is not a JSON object" },
      { '{"orderId":1}', nil,
        'binance POST /api/v3/order/test: unexpected "orderId" in the answer' },
      { "OK", nil, "binance POST /api/v3/order/test: the response is not JSON (" },
    }) do
      local fake = pack.fake({ BINANCE_API_KEY = "k", BINANCE_API_SECRET = "s" },
        { [url] = { status = 200, body = case[1] } })
      fake.crypto = { hmac_sha256 = function() return "ff" end }
      local ok, err = binance.order_test(nil, o)
      assert.equal("POST", fake.requests[1].method)
      pack.unfake()
      assert.equal(case[2], ok)
      if case[3] then assert.equal(case[3], err:sub(1, #case[3])) end
    end
  end)
end)
