local support = require("support")

describe("checks/clock_sane.lua", function()
  it("passes on this host's clock", function()
    local c = support.run_check("checks/clock_sane.lua", { root = support.src })
    assert.equal("pass", c.status)
    assert.truthy(c.message:match("^clock reads %d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ$"))
  end)
end)
