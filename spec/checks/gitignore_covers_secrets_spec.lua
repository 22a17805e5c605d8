local support = require("support")

describe("checks/gitignore_covers_secrets.lua", function()
  local root
  before_each(function() root = support.tmpdir() end)
  after_each(function() support.rmtree(root) end)

  local function run(gitignore_text)
    if gitignore_text then support.write(root .. "/.gitignore", gitignore_text) end
    return support.run_check("checks/gitignore_covers_secrets.lua", { root = root })
  end

  it("passes when .env.* and secrets/ are covered", function()
    local c = run(".env.*\nsecrets/\n")
    assert.equal("pass", c.status)
    assert.equal(".gitignore covers .env.* and secrets/", c.message)
  end)

  it("fails without a .gitignore", function()
    local c = run(nil)
    assert.equal("fail", c.status)
    assert.equal("cannot read .gitignore: .gitignore: No such file or directory", c.message)
  end)

  it("fails when secrets/ is missing", function()
    local c = run(".env.*\n")
    assert.equal("fail", c.status)
    assert.equal(".gitignore does not cover secrets/, secrets/exchange.key", c.message)
  end)

  it("fails when a later negation re-includes .env.live", function()
    local c = run(".env.*\nsecrets/\n!.env.live\n")
    assert.equal("fail", c.status)
    assert.equal(".gitignore does not cover .env.live", c.message)
  end)
end)
