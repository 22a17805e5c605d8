local support = require("support")

describe("checks/secrets_file_permissions.lua", function()
  local file = "checks/secrets_file_permissions.lua"
  local root
  before_each(function() root = support.tmpdir() end)
  after_each(function() support.rmtree(root) end)

  local function sh(cmd)
    assert(os.execute("cd '" .. root .. "' && " .. cmd))
  end

  local function run()
    return support.run_check(file, { root = root })
  end

  it("passes when there are no secret files", function()
    sh("touch README.md .env.example && chmod 644 .env.example")
    local c = run()
    assert.equal("pass", c.status)
    assert.equal("no secret files in the project root (no .env, .env.* or secrets/)", c.message)
  end)

  it("passes when every secret file is private", function()
    sh("mkdir secrets && chmod 700 secrets && touch .env .env.paper secrets/binance.key"
      .. " && chmod 600 .env .env.paper secrets/binance.key && chmod 400 .env")
    local c = run()
    assert.equal("pass", c.status)
    assert.equal("4 secret paths are private: secrets, .env, .env.paper, secrets/binance.key",
      c.message)
  end)

  it("fails on a group- or world-readable file and folder", function()
    sh("mkdir secrets && chmod 755 secrets && touch .env.paper secrets/a.key secrets/b.key"
      .. " && chmod 644 .env.paper && chmod 600 secrets/a.key && chmod 620 secrets/b.key")
    local c = run()
    assert.equal("fail", c.status)
    assert.equal("secrets is mode 755, want no group or other access (700);"
      .. " .env.paper is mode 644, want no group or other read or write (600);"
      .. " secrets/b.key is mode 620, want no group or other read or write (600)", c.message)
  end)

  it("fails on a symlink", function()
    sh("touch /tmp/pf-spec-target.$$ && ln -s /tmp/pf-spec-target.$$ .env.live"
      .. " && rm /tmp/pf-spec-target.$$")
    local c = run()
    assert.equal("fail", c.status)
    assert.equal(".env.live is a symlink (want the file itself, mode 600)", c.message)
  end)

  it("fails on a file owned by another user", function()
    local id = io.popen("id -u"):read("l")
    if id ~= "0" then
      pending("needs root to chown a file to another user")
      return
    end
    sh("touch .env.paper && chmod 600 .env.paper && chown 65534 .env.paper")
    local c = run()
    assert.equal("fail", c.status)
    assert.equal(".env.paper is owned by uid 65534, not by uid 0 that runs preflight", c.message)
  end)

  it("fails when secrets/ cannot be listed", function()
    if io.popen("id -u"):read("l") == "0" then
      pending("root lists any folder; needs an unprivileged user")
      return
    end
    sh("mkdir secrets && chmod 000 secrets")
    local c = run()
    sh("chmod 700 secrets")
    assert.equal("fail", c.status)
    assert.equal("cannot list secrets/: secrets: Permission denied", c.message)
  end)
end)
