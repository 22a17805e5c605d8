-- Runs against a throwaway redis-server started by scripts/services.sh,
-- stopped again in teardown.
local pack = require("pack")
local support = require("support")

describe("checks/infra_redis.lua", function()
  local file = "checks/infra_redis.lua"
  local dir, url

  lazy_setup(function()
    dir = support.tmpdir()
    local p = io.popen("sh '" .. support.src .. "/scripts/services.sh' start '" .. dir .. "' redis")
    url = p:read("a"):match("REDIS_URL=(%S+)")
    p:close()
    assert.truthy(url, "scripts/services.sh did not start redis-server")
  end)

  lazy_teardown(function()
    os.execute("sh '" .. support.src .. "/scripts/services.sh' stop '" .. dir .. "'")
  end)

  it("passes when redis answers PING", function()
    local c = pack.run(file, { env = { REDIS_URL = url } })
    assert.equal("pass", c.status)
    assert.equal("redis at " .. url .. " answered PING", c.message)
    assert.is_number(c.details.latency_ms)
  end)

  it("in a guard cycle too, with the RUNBOOK's alert latency beside the measured one (KPI 10)",
    function()
      local c = pack.run(file, { env = { REDIS_URL = url }, phase = "guard" })
      assert.equal("pass", c.status, c.message)
      assert.is_number(c.details.latency_ms)
      assert.equal(50, c.details.latency_ms_alert_max)
      assert.equal(c.details.latency_ms > 50, c.details.alert)
      c = pack.run(file, { env = { REDIS_URL = "redis://127.0.0.1:1/0" },
                           phase = "guard" })
      assert.equal("fail", c.status, c.message)
    end)

  it("fails when nothing listens", function()
    local c = pack.run(file, { env = { REDIS_URL = "redis://127.0.0.1:1/0" } })
    assert.equal("fail", c.status)
    assert.equal("redis unreachable: cannot connect to redis redis://127.0.0.1:1/0:"
      .. " Connection refused", c.message)
  end)

  it("fails when the password is refused, the password masked", function()
    local wrong = url:gsub("^redis://", "redis://:n0t-the-pw@")
    local c = pack.run(file, { env = { REDIS_URL = wrong } })
    assert.equal("fail", c.status)
    assert.truthy(c.message:match("^redis unreachable: AUTH refused by redis redis://:%*%*%*@"),
      c.message)
    assert.falsy(c.message:find("n0t-the-pw", 1, true))
  end)

  it("fails when REDIS_URL is not set", function()
    local c = pack.run(file, { env = { REDIS_URL = pack.UNSET } })
    assert.equal("fail", c.status)
    assert.equal("REDIS_URL is not set", c.message)
  end)

  it("fails on a URL that does not parse", function()
    local c = pack.run(file, { env = { REDIS_URL = "redis://127.0.0.1:99999" } })
    assert.equal("fail", c.status)
    assert.equal("REDIS_URL is not usable: redis URL: port must be a number from 1 to 65535",
      c.message)
  end)
end)
