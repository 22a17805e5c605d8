local pack = require("pack")
local upbit = require("exchange.upbit")

describe("exchange.upbit", function()
  it("parses Remaining-Req", function()
    assert.same({ group = "default", sec = 29, min = 1800 },
      upbit.remaining_req("group=default; min=1800; sec=29"))
    assert.same({ group = "order", sec = 0 }, upbit.remaining_req("group=order; sec=0"))
    assert.same({ nil, "upbit sent no Remaining-Req header" }, { upbit.remaining_req(nil) })
    assert.same({ nil, 'upbit Remaining-Req "group=default" has no group and sec' },
      { upbit.remaining_req("group=default") })
  end)

  it("reads Upbit's error bodies", function()
    assert.equal("invalid_access_key: bad key",
      upbit.error_text({ error = { name = "invalid_access_key", message = "bad key" } }))
    assert.is_nil(upbit.error_text({}))
  end)

  it("puts the SHA-512 query hash in the claims only when there is a query", function()
    local out = pack.eval([[
      local upbit = require("exchange.upbit")
      local a, b = upbit.claims("ak", "n1", "state=wait"), upbit.claims("ak", "n1", "")
      return table.concat({ a.access_key, a.nonce, a.query_hash, a.query_hash_alg,
        tostring(b.query_hash), tostring(b.query_hash_alg) }, " ")]])
    local sha = io.popen("printf %s state=wait | sha512sum"):read("l"):match("^%x+")
    assert.equal("ak n1 " .. sha .. " SHA512 nil nil", out)
  end)

  it("signs a bearer JWT that verifies with the secret key", function()
    local out = pack.eval([[
      local auth = assert(require("exchange.upbit").authorization("state=wait"))
      local h, p, s = auth:match("^Bearer ([%w_-]+)%.([%w_-]+)%.([%w_-]+)$")
      local want = preflight.crypto.base64url(preflight.crypto.hmac_sha256(
        preflight.env.get("UPBIT_SECRET_KEY"), h .. "." .. p, "raw"))
      return tostring(s == want) .. " " .. h]],
      { UPBIT_ACCESS_KEY = "spec-access", UPBIT_SECRET_KEY = "spec-secret-key" })
    assert.equal("true eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", out)
  end)

  it("needs both keys", function()
    pack.fake({ UPBIT_ACCESS_KEY = "a" })
    assert.same({ nil, "UPBIT_SECRET_KEY is not set" }, { upbit.authorization("") })
    pack.unfake()
  end)

  it("names markets against UPBIT_QUOTE", function()
    pack.fake({})
    assert.equal("KRW-BTC", upbit.market("BTC"))
    pack.unfake()
    pack.fake({ UPBIT_QUOTE = "USDT" })
    assert.equal("USDT-ETH", upbit.market("ETH"))
    assert.same({ "USDT", 1 }, { upbit.quote_usd() })
    pack.unfake()
  end)
  it("lists open orders from /v1/orders/open, waiting and reserved, every page", function()
    local cjson = require("cjson")
    local function orders(n, state)
      local list = {}
      for i = 1, n do
        list[i] = { market = "KRW-BTC", side = "bid", volume = "0.1", price = tostring(i),
                    state = state }
      end
      return cjson.encode(list)
    end
    local base = "https://api.upbit.com/v1/orders/open?state="
    local fake = pack.fake({ UPBIT_ACCESS_KEY = "a", UPBIT_SECRET_KEY = "s" }, {
      [base .. "wait&page=1&limit=100"] = { status = 200, body = orders(100, "wait") },
      [base .. "wait&page=2&limit=100"] = { status = 200, body = orders(1, "wait") },
      [base .. "watch&page=1&limit=100"] = { status = 200, body = orders(2, "watch") },
    })
    fake.crypto = { uuid4 = function() return "n" end, sha512 = function() return "h" end,
                    hmac_sha256 = function() return "m" end, base64url = function() return "b" end }
    local list = assert(upbit.open_orders(nil))
    assert.equal(103, #list)
    assert.equal(3, #fake.requests)
    pack.unfake()
  end)
end)

describe("exchange.upbit planned order", function()
  local cjson = require("cjson")
  local UP = "https://api.upbit.com"
  local function world(chance)
    return {
      [UP .. "/v1/ticker?markets=KRW-USDT"] = { status = 200,
        body = '[{"market":"KRW-USDT","trade_price":1450.0}]' },
      [UP .. "/v1/ticker?markets=KRW-BTC"] = { status = 200,
        body = '[{"market":"KRW-BTC","trade_price":143000000.0}]' },
      [UP .. "/v1/orders/chance?market=KRW-BTC"] = { status = 200, body = cjson.encode(chance) },
      [UP .. "/v1/orders/test"] = { status = 201, body = '{"uuid":"u","market":"KRW-BTC",'
        .. '"side":"ask","ord_type":"limit"}' },
    }
  end
  local function chance(edit)
    local c = { market = { id = "KRW-BTC", state = "active", order_sides = { "ask", "bid" },
      bid_types = { "limit", "price" }, ask_types = { "limit", "market" },
      bid = { currency = "KRW", min_total = "5000" },
      ask = { currency = "KRW", min_total = "5000" }, max_total = "1000000000" } }
    if edit then edit(c.market) end
    return c
  end
  local function fake(c)
    local f = pack.fake({ UPBIT_ACCESS_KEY = "a", UPBIT_SECRET_KEY = "s" }, world(c))
    f.hashed = {}
    f.crypto = {
      uuid4 = function() return "n" end,
      sha512 = function(s) f.hashed[#f.hashed + 1] = s return "h" end,
      hmac_sha256 = function() return "sig" end,
      base64url = function(s) return s end,
    }
    return f
  end
  after_each(pack.unfake)

  it("plans the selling leg within /v1/orders/chance", function()
    fake(chance())
    local o, bad = upbit.order_plan(nil, "BTC", "sell", 100)
    assert.same({}, bad)
    assert.equal("KRW-BTC ask 0.00101398 @ 143000000 = 144999 KRW", o.text)
  end)

  it("names every rule the order breaks", function()
    fake(chance(function(m)
      m.order_sides = { "bid" }
      m.ask_types = { "market" }
      m.max_total = "100000"
    end))
    local _, bad = upbit.order_plan(nil, "BTC", "sell", 100)
    assert.same({ "KRW-BTC ask side is not in order_sides",
      "KRW-BTC ask limit is not in ask_types", "KRW-BTC ask total 144999 KRW > max_total 100000" },
      bad)
  end)

  it("refuses to judge an order against rules it could not read", function()
    for _, edit in ipairs({
      function(m) m.id = "KRW-ETH" end,
      function(m) m.ask = nil end,
      function(m) m.ask.min_total = "five thousand" end,
      function(m) m.max_total = nil end,
      function(m) m.state = nil end,
    }) do
      fake(chance(edit))
      assert.same({ nil, "upbit /v1/orders/chance?market=KRW-BTC has no well-formed market rules" },
        { upbit.order_plan(nil, "BTC", "sell", 100) })
      pack.unfake()
    end
  end)

  it("posts the dry run as JSON whose query hash covers the same parameters", function()
    local f = fake(chance())
    local o = assert(upbit.order_plan(nil, "BTC", "sell", 100))
    assert.is_true(upbit.order_test(nil, o))
    local r = f.requests[#f.requests]
    assert.equal("POST", r.method)
    assert.equal(UP .. "/v1/orders/test", r.url)
    assert.equal('{"market":"KRW-BTC","side":"ask","volume":"0.00101398","price":"143000000",'
      .. '"ord_type":"limit"}', r.body)
    assert.equal("market=KRW-BTC&side=ask&volume=0.00101398&price=143000000&ord_type=limit",
      f.hashed[#f.hashed])
    assert.equal("application/json; charset=utf-8", r.headers["Content-Type"])
  end)

  it("fails a dry-run answer that is not the order", function()
    for _, body in ipairs({ "{}", "[]", '{"uuid":"u","market":"KRW-ETH","ord_type":"limit"}',
        '{"uuid":"u","market":"KRW-BTC","ord_type":"market"}', '{"market":"KRW-BTC"}' }) do
      local f = fake(chance())
      local o = assert(upbit.order_plan(nil, "BTC", "buy", 100))
      assert.equal("bid", o.side)
      f.requests = {}
      local http = world(chance())
      http[UP .. "/v1/orders/test"].body = body
      local request = f.http.request
      f.http.request = function(req)
        if req.method == "POST" then
          return { status = 201, headers = {}, body = body, elapsed_ms = 1 }
        end
        return request(req)
      end
      assert.same({ nil, "upbit POST /v1/orders/test: the answer is not a KRW-BTC limit order" },
        { upbit.order_test(nil, o) }, body)
      pack.unfake()
    end
  end)
end)
