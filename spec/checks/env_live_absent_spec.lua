local support = require("support")

describe("checks/env_live_absent.lua", function()
  local root
  before_each(function() root = support.tmpdir() end)
  after_each(function() support.rmtree(root) end)

  it("passes when .env.live is absent", function()
    local c = support.run_check("checks/env_live_absent.lua", { root = root })
    assert.equal("pass", c.status)
    assert.equal(".env.live is absent", c.message)
  end)

  it("fails when .env.live is a file", function()
    support.write(root .. "/.env.live", "X=1\n")
    local c = support.run_check("checks/env_live_absent.lua", { root = root })
    assert.equal("fail", c.status)
    assert.equal(".env.live exists (a file, 4 bytes); remove it: LIVE settings are not"
      .. " allowed at stage D98", c.message)
  end)

  it("fails on a dangling symlink", function()
    assert(os.execute("ln -s /nonexistent/x '" .. root .. "/.env.live'"))
    local c = support.run_check("checks/env_live_absent.lua", { root = root })
    assert.equal("fail", c.status)
    assert.truthy(c.message:match("^%.env%.live exists %(a symlink, %d+ bytes%)"))
  end)
end)
