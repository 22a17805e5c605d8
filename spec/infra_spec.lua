local infra = require("infra")
local pack = require("pack")

describe("infra", function()
  local env, fake
  before_each(function() env = {} fake = pack.fake(env) end)
  after_each(pack.unfake)

  it("passes with the URL's password masked", function()
    fake.redis = { ping = function(url, t)
      assert.equal("redis://:pw@h:1/0", url)
      assert.equal(2000, t)
      return true, 1.5
    end }
    env.REDIS_URL = "redis://:pw@h:1/0"
    local r = infra.ping("redis")
    assert.same({ status = "pass", message = "redis at redis://:***@h:1/0 answered PING",
      details = { latency_ms = 1.5, latency_ms_alert_max = 50, alert = false } }, r)
  end)

  it("marks a latency over the RUNBOOK's alert threshold (KPI 10), still a pass", function()
    fake.db = { ping = function() return true, 150.5 end }
    env.DATABASE_URL = "postgresql://h:1/d"
    local r = infra.ping("postgres")
    assert.equal("pass", r.status)
    assert.same({ latency_ms = 150.5, latency_ms_alert_max = 100, alert = true }, r.details)
  end)

  it("fails with the primitive's error", function()
    fake.db = { ping = function() return nil, "timeout after 2000 ms: postgres h:1/d" end }
    env.DATABASE_URL = "postgresql://h:1/d"
    assert.equal("postgres unreachable: timeout after 2000 ms: postgres h:1/d",
      infra.ping("postgres").message)
  end)

  it("says a URL the primitive cannot use is not usable", function()
    fake.db = { ping = function() return nil, "bad conninfo", "url" end }
    env.DATABASE_URL = "oops"
    assert.equal("DATABASE_URL is not usable: bad conninfo", infra.ping("postgres").message)
  end)

  it("lets a raised misuse stay an error of the check", function()
    fake.db = { ping = function() error("bad argument #1 to 'ping' (boom)") end }
    env.DATABASE_URL = "oops"
    assert.has_error(function() infra.ping("postgres") end)
  end)
end)
