local support = require("support")

describe("checks/gitignore_covers_secrets.lua", function()
  local root
  before_each(function() root = support.tmpdir() end)
  after_each(function() support.rmtree(root) end)

  local function run(text)
    if text then support.write(root .. "/.gitignore", text) end
    return support.run_check("checks/gitignore_covers_secrets.lua", { root = root })
  end

  it("passes with the repository's own .gitignore", function()
    local c = support.run_check("checks/gitignore_covers_secrets.lua", { root = support.src })
    assert.equal("pass", c.status)
    assert.equal(".gitignore covers .env.* and secrets/", c.message)
  end)

  it("fails when .gitignore is missing", function()
    local c = run(nil)
    assert.equal("fail", c.status)
    assert.equal("cannot read .gitignore: .gitignore: No such file or directory", c.message)
  end)

  it("fails when secrets/ is not covered", function()
    local c = run(".env.*\n")
    assert.equal("fail", c.status)
    assert.equal(".gitignore does not cover secrets/, secrets/exchange.key", c.message)
  end)

  it("fails when a negation re-includes .env.live", function()
    local c = run(".env.*\n!.env.live\nsecrets/\n")
    assert.equal("fail", c.status)
    assert.equal(".gitignore does not cover .env.live", c.message)
  end)
end)
