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
    -- its own deadline ended it, not the run's (a property, not a timing:
    -- a busy machine may take longer)
    assert.is_nil(c.message:find("run deadline", 1, true))
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

  it("skips with preflight.skip, which alone is not a pass", function()
    local c, r = run([[return { id = "a.b", title = "t",
      run = function() return preflight.skip("off here", { why = "off" }) end }]])
    assert.equal("skip", c.status)
    assert.equal("off here", c.message)
    assert.equal("off", c.details.why)
    assert.is_nil(c.reason)
    assert.equal("fail", r.verdict)
    assert.equal("no check passed (1 skipped)", r.problems[1])
  end)

  it("fails the run when a manifest check skips", function()
    support.write(dir .. "/manifest", "a.req\n")
    support.write(dir .. "/p.lua", [[return { id = "a.pass", title = "t",
      run = function() return preflight.pass("x") end }]])
    support.write(dir .. "/r.lua", [[return { id = "a.req", title = "t",
      run = function() return preflight.skip("exchange off") end }]])
    support.write(dir .. "/o.lua", [[return { id = "a.opt", title = "t",
      run = function() return preflight.skip("optional off") end }]])
    local r = host.run({ dir }, { root = dir })
    local by = {}
    for _, c in ipairs(r.checks) do by[c.id] = c end
    assert.equal("skip", by["a.req"].status)
    assert.equal("required", by["a.req"].reason)
    assert.equal("required check skipped: exchange off", by["a.req"].message)
    assert.equal("skip", by["a.opt"].status)
    assert.is_nil(by["a.opt"].reason)
    assert.equal("fail", r.verdict)
    assert.same({ 'required check "a.req" skipped' }, r.problems)
    os.remove(dir .. "/manifest")
    assert.equal("pass", host.run({ dir }, { root = dir }).verdict)
  end)

  it("cannot forge a skip or a pass from a table, nor call skip wrongly", function()
    for _, body in ipairs({ 'return { status = "skip" }',
                            'return setmetatable({}, { __name = "preflight.result" })',
                            'return preflight.skip("a"), preflight.pass("b")' }) do
      local c = run(([[return { id = "a.b", title = "t", run = function() %s end }]]):format(body))
      assert.equal("error", c.status, body)
      assert.equal("contract", c.reason, body)
    end
    local c = run([[return { id = "a.b", title = "t",
      run = function() return preflight.skip(42) end }]])
    assert.equal("error", c.status)
    assert.equal("runtime", c.reason)
    c = run([[return { id = "a.b", title = "t",
      run = function() return preflight.pass(tostring(preflight.skip("x"))) end }]])
    assert.equal("preflight.skip", c.message)
  end)

  it("gives ctx.phase start", function()
    local c = run([[return { id = "a.b", title = "t",
      run = function(ctx) return preflight.pass(ctx.phase) end }]])
    assert.equal("start", c.message)
  end)

  it("accepts guard_failures 1 to 5 and refuses anything else", function()
    for _, v in ipairs({ "1", "5" }) do
      local c = run(([[return { id = "a.b", title = "t", guard_failures = %s,
        run = function() return preflight.pass("x") end }]]):format(v))
      assert.equal("pass", c.status, v)
    end
    for _, v in ipairs({ "0", "6", "2.5", "-1", '"2"', "true", "{}" }) do
      local c = run(([[return { id = "a.b", title = "t", guard_failures = %s,
        run = function() return preflight.pass("x") end }]]):format(v))
      assert.equal("error", c.status, v)
      assert.equal("contract", c.reason, v)
      assert.equal("guard_failures must be an integer from 1 to 5", c.message, v)
    end
  end)

  it("lists checks left out by --tag as not-selected", function()
    support.write(dir .. "/a.lua", [[return { id = "a.in", title = "t", tags = { "x" },
      run = function() return preflight.pass("x") end }]])
    support.write(dir .. "/b.lua", [[return { id = "a.out", title = "t", tags = { "y" },
      run = function() return preflight.pass("x") end }]])
    local r = host.run({ dir }, { root = dir, tags = { "x" } })
    local by = {}
    for _, c in ipairs(r.checks) do by[c.id] = c end
    assert.equal("pass", by["a.in"].status)
    assert.equal("not-selected", by["a.out"].status)
    assert.equal("pass", r.verdict)
  end)
end)
