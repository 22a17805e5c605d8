-- Runs against a throwaway PostgreSQL cluster started by
-- scripts/services.sh, stopped again in teardown.
local pack = require("pack")
local support = require("support")

describe("checks/infra_postgres.lua", function()
  local file = "checks/infra_postgres.lua"
  local dir, url

  lazy_setup(function()
    dir = support.tmpdir()
    local p = io.popen("sh '" .. support.src .. "/scripts/services.sh' start '" .. dir
      .. "' postgres")
    url = p:read("a"):match("DATABASE_URL=(%S+)")
    p:close()
    assert.truthy(url, "scripts/services.sh did not start PostgreSQL")
  end)

  lazy_teardown(function()
    os.execute("sh '" .. support.src .. "/scripts/services.sh' stop '" .. dir .. "'")
  end)

  it("passes when PostgreSQL answers, the password masked", function()
    local c = pack.run(file, { env = { DATABASE_URL = url } })
    assert.equal("pass", c.status)
    assert.equal("postgres at " .. url:gsub("postgres:%x+@", "postgres:***@")
      .. " answered SELECT 1", c.message)
  end)

  it("fails on a wrong password, the password masked", function()
    local wrong = url:gsub("postgres:%x+@", "postgres:n0t-the-pw@")
    local c = pack.run(file, { env = { DATABASE_URL = wrong } })
    assert.equal("fail", c.status)
    assert.truthy(c.message:match('password authentication failed for user "postgres"$'),
      c.message)
    assert.falsy(c.message:find("n0t-the-pw", 1, true))
  end)

  it("in a guard cycle too, with the RUNBOOK's alert latency beside the measured one (KPI 10)",
    function()
      local c = pack.run(file, { env = { DATABASE_URL = url }, phase = "guard" })
      assert.equal("pass", c.status, c.message)
      assert.is_number(c.details.latency_ms)
      assert.equal(100, c.details.latency_ms_alert_max)
      assert.equal(c.details.latency_ms > 100, c.details.alert)
      c = pack.run(file, { env = { DATABASE_URL = "postgresql://u:pw@127.0.0.1:1/db" },
                           phase = "guard" })
      assert.equal("fail", c.status, c.message)
    end)

  it("fails when nothing listens", function()
    local c = pack.run(file, { env = { DATABASE_URL = "postgresql://u:pw@127.0.0.1:1/db" } })
    assert.equal("fail", c.status)
    assert.equal('postgres unreachable: connection to server at "127.0.0.1", port 1 failed:'
      .. " Connection refused Is the server running on that host and accepting TCP/IP"
      .. " connections?", c.message)
  end)

  it("fails when DATABASE_URL is not set", function()
    local c = pack.run(file, { env = { DATABASE_URL = "" } })
    assert.equal("fail", c.status)
    assert.equal("DATABASE_URL is not set", c.message)
  end)
end)
