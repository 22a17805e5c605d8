local api = require("exchange.api")
local pack = require("pack")

local ex = {
  name = "testex",
  base_url = function(ctx) return api.base_url("TESTEX_BASE_URL", "https://api.ex.test", ctx) end,
  error_text = function(doc) return doc.err end,
}

describe("exchange.api", function()
  local env, http, fake
  before_each(function()
    env, http = {}, {}
    fake = pack.fake(env, http)
  end)
  after_each(pack.unfake)

  it("percent-encodes queries in order", function()
    assert.equal("a=1&markets=KRW-BTC%2CKRW-ETH&s=%5B%22X%22%5D",
      api.query({ { "a", 1 }, { "markets", "KRW-BTC,KRW-ETH" }, { "s", '["X"]' } }))
    assert.equal("", api.query(nil))
  end)

  it("takes a base URL override, but never in live mode", function()
    assert.equal("https://api.ex.test", ex.base_url())
    env.TESTEX_BASE_URL = "http://127.0.0.1:8080/"
    assert.equal("http://127.0.0.1:8080", ex.base_url({ mode = "paper" }))
    assert.same({ nil, "TESTEX_BASE_URL may not point elsewhere than https://api.ex.test in"
      .. " live mode" },
      { ex.base_url({ mode = "live" }) })
    env.TESTEX_BASE_URL = "http://h/path"
    assert.same({ nil, 'TESTEX_BASE_URL must be a scheme and host like https://api.ex.test, got'
      .. ' "http://h/path"' },
      { ex.base_url() })
  end)

  it("decodes a 200 and sends the timeout", function()
    http["https://api.ex.test/v1/x?a=1"] = { status = 200, body = '{"ok":true}' }
    local doc, r = api.call(ex, nil, { path = "/v1/x", query = "a=1" })
    assert.is_true(doc.ok)
    assert.equal(200, r.status)
    assert.equal(2000, fake.requests[1].timeout_ms)
  end)

  it("describes 429, 418, other statuses and bad JSON", function()
    http["https://api.ex.test/a"] = { status = 429, headers = { ["retry-after"] = "7" }, body = "" }
    http["https://api.ex.test/b"] = { status = 418, body = "" }
    http["https://api.ex.test/c"] = { status = 500, body = '{"err":"boom"}' }
    http["https://api.ex.test/d"] = { status = 200, body = "<html>" }
    assert.equal("testex rate limited: HTTP 429 on GET /a, Retry-After 7 s",
      select(2, api.call(ex, nil, { path = "/a" })))
    assert.equal("testex banned this IP: HTTP 418 on GET /b",
      select(2, api.call(ex, nil, { path = "/b" })))
    assert.equal("testex GET /c: HTTP 500: boom", select(2, api.call(ex, nil, { path = "/c" })))
    assert.truthy(select(2, api.call(ex, nil, { path = "/d" })):match(
      "^testex GET /d: the response is not JSON %("))
  end)

  it("keeps a hidden query out of transport errors", function()
    http["https://api.ex.test/s?t=1&signature=abc"] = "timeout after 2000 ms: GET "
      .. "https://api.ex.test/s?t=1&signature=abc"
    assert.equal("testex unreachable: timeout after 2000 ms: GET https://api.ex.test/s",
      select(2, api.call(ex, nil, { path = "/s", query = "t=1&signature=abc", hide_query = true })))
  end)

  it("reads exchange numbers", function()
    assert.equal(1.5, api.num("1.50000000"))
    assert.equal(2, api.num(2))
    assert.is_nil(api.num("1e5"))
    assert.is_nil(api.num(nil))
  end)
end)
