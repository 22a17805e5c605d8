-- The Lua module is the real host: same workers, sandbox and verdict as
-- the binary. These specs pin the contract a check author relies on.
local support = require("support")
local host = support.host

describe("the host module", function()
  local dir
  before_each(function() dir = support.tmpdir() end)
  after_each(function() support.rmtree(dir) end)

  local function run(src, opts)
    support.write(dir .. "/c.lua", src)
    opts = opts or {}
    opts.root = dir
    local r = host.run({ dir .. "/c.lua" }, opts)
    return r.checks[1], r
  end

  it("passes only a preflight.pass value", function()
    local c, r = run([[return { id = "a.b", title = "t",
      run = function() return preflight.pass("fine", { n = 2 }) end }]])
    assert.equal("pass", c.status)
    assert.equal("fine", c.message)
    assert.equal(2, c.details.n)
    assert.equal("pass", r.verdict)
    assert.equal(0, r.exit_code)
  end)

  it("fails on a hand-made pass table", function()
    local c, r = run([[return { id = "a.b", title = "t",
      run = function() return { status = "pass" } end }]])
    assert.equal("error", c.status)
    assert.equal("contract", c.reason)
    assert.equal("fail", r.verdict)
    assert.equal(1, r.exit_code)
  end)

  it("stops an endless loop at the check's timeout", function()
    local c = run([[return { id = "a.b", title = "t", timeout_ms = 100,
      run = function() while true do end end }]])
    assert.equal("error", c.status)
    assert.equal("timeout", c.reason)
    assert.is_true(c.duration_ms < 1000)
  end)

  it("masks secret environment values in messages", function()
    host.setenv("SPEC_API_TOKEN", "tok-123456")
    local c = run([[return { id = "a.b", title = "t", run = function()
      return preflight.fail("token=" .. preflight.env.get("SPEC_API_TOKEN")) end }]])
    host.setenv("SPEC_API_TOKEN", nil)
    assert.equal("token=***", c.message)
  end)

  it("treats zero checks as an error, never a pass", function()
    local r = host.run({ dir }, { root = dir })
    assert.equal("error", r.verdict)
    assert.equal(2, r.exit_code)
  end)

  it("reports a missing manifest id", function()
    support.write(dir .. "/manifest", "must.run\n")
    support.write(dir .. "/c.lua", [[return { id = "a.b", title = "t",
      run = function() return preflight.pass("x") end }]])
    local r = host.run({ dir }, { root = dir })
    assert.equal("fail", r.verdict)
    assert.equal('manifest id "must.run" did not run', r.problems[1])
  end)

  -- The sandbox is built from named allow-lists (host/sandbox.c): every
  -- name a check sees is listed here, so anything new in Lua's own
  -- libraries shows up as a failure instead of slipping in.
  describe("the environment by name", function()
    local want = {
      _ENV = "_G _VERSION assert error getmetatable ipairs math next pairs "
        .. "pcall preflight rawequal rawget rawlen rawset require select "
        .. "setmetatable string table tonumber tostring type utf8 xpcall",
      string = "byte char find format gmatch gsub len lower match pack "
        .. "packsize rep reverse sub unpack upper",
      table = "concat insert move pack remove sort unpack",
      math = "abs acos asin atan ceil cos deg exp floor fmod huge log max "
        .. "maxinteger min mininteger modf pi rad random randomseed sin sqrt "
        .. "tan tointeger type ult",
      utf8 = "char charpattern codepoint codes len offset",
    }
    for name, list in pairs(want) do
      it("lists exactly the allowed names of " .. name, function()
        local c = run(([[return { id = "a.b", title = "t", run = function()
          local t = %s
          local names = {}
          for k in pairs(t) do names[#names + 1] = tostring(k) end
          table.sort(names)
          return preflight.pass(table.concat(names, " "))
        end }]]):format(name == "_ENV" and "_ENV" or name))
        assert.equal("pass", c.status)
        assert.equal(list, c.message)
      end)
    end
  end)
end)
