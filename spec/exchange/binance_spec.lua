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
