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
