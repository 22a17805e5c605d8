local pack = require("pack")
local secretfiles = require("secretfiles")

describe("secretfiles", function()
  it("knows which root files hold secrets", function()
    assert.is_true(secretfiles.is_env_file(".env"))
    assert.is_true(secretfiles.is_env_file(".env.live"))
    assert.is_false(secretfiles.is_env_file(".env.example"))
    assert.is_false(secretfiles.is_env_file(".envrc"))
    assert.is_false(secretfiles.is_env_file("env.live"))
  end)

  it("finds mode, owner and symlink problems", function()
    local f = { type = "file", mode = 384, uid = 1000 } -- 0600
    assert.is_nil(secretfiles.problem("a", f, 1000))
    assert.is_nil(secretfiles.problem("a", { type = "file", mode = 256 + 8, uid = 1000 }, 1000))
    assert.equal("a is mode 640, want no group or other read or write (600)",
      secretfiles.problem("a", { type = "file", mode = 416, uid = 1000 }, 1000))
    assert.equal("a is mode 602, want no group or other read or write (600)",
      secretfiles.problem("a", { type = "file", mode = 386, uid = 1000 }, 1000))
    assert.equal("d is mode 701, want no group or other access (700)",
      secretfiles.problem("d", { type = "directory", mode = 449, uid = 1000 }, 1000))
    assert.equal("a is owned by uid 0, not by uid 1000 that runs preflight",
      secretfiles.problem("a", { type = "file", mode = 384, uid = 0 }, 1000))
    assert.equal("l is a symlink (want the file itself, mode 600)",
      secretfiles.problem("l", { type = "symlink", mode = 511, uid = 1000 }, 1000))
  end)

  it("lists .env files and secrets/ through fs.list", function()
    local fake = pack.fake({})
    fake.fs = {
      list = function(p)
        if p == "." then return { ".env", ".env.example", ".env.paper", "secrets", "x" } end
        return { "a.key", "b.key" }
      end,
      stat = function() return { type = "directory" } end,
    }
    assert.same({ "secrets", ".env", ".env.paper", "secrets/a.key", "secrets/b.key" },
      secretfiles.paths())
    pack.unfake()
  end)
end)
