-- What a check author relies on (issue 20): preflight.log and
-- preflight.fs.statvfs through the real host, and one API in four places
-- kept in step: the table in docs/primitives.md, the LuaLS definitions
-- (share/preflight/types/preflight.lua), the luacheck standard
-- (share/preflight/luacheckrc.lua) and the real sandbox, asked through a
-- check.
local support = require("support")

local SRC = support.src

--- Run the check source text (its run body is `body`) through the host
--- with root as the project root; returns the check's result.
local function run_body(body, root, opts)
  local dir = support.tmpdir()
  support.write(dir .. "/c.lua", ([[return { id = "spec.authoring", title = "t",
    run = function(ctx) %s end }]]):format(body))
  opts = opts or {}
  opts.root = root or dir
  local r = support.host.run({ dir .. "/c.lua" }, opts)
  support.rmtree(dir)
  return r.checks[1]
end

--- The set of names in a list, and the list sorted, for messages.
local function set_of(list)
  local s = {}
  for _, n in ipairs(list) do s[n] = true end
  return s
end

--- Names in a but not in b, sorted.
local function minus(a, b)
  local l = {}
  for k in pairs(a) do if not b[k] then l[#l + 1] = k end end
  table.sort(l)
  return l
end

local function assert_same(what_a, a, what_b, b)
  local extra, missing = minus(a, b), minus(b, a)
  assert(#extra == 0 and #missing == 0, ("%s and %s differ: only in %s: {%s}; only in %s: {%s}")
    :format(what_a, what_b, what_a, table.concat(extra, ", "), what_b,
      table.concat(missing, ", ")))
end

describe("preflight.log", function()
  it("keeps messages in order and returns nothing", function()
    local c = run_body([[
      local n = select("#", preflight.log("one"))
      preflight.log("two")
      return preflight.pass(tostring(n))]])
    assert.equal("pass", c.status)
    assert.equal("0", c.message)
    assert.same({ "one", "two" }, c.log)
  end)

  it("masks the value of a secret variable", function()
    support.host.setenv("PF_SPEC_LOG_API_TOKEN", "tok-3f9a8c7e1d")
    local c = run_body([[
      preflight.log("token is " .. preflight.env.get("PF_SPEC_LOG_API_TOKEN") .. ".")
      return preflight.pass("ok")]])
    support.host.setenv("PF_SPEC_LOG_API_TOKEN", nil)
    assert.equal("pass", c.status)
    assert.same({ "token is ***." }, c.log)
  end)

  it("cuts a long message to 1024 bytes with a marker", function()
    local c = run_body([[preflight.log(("x"):rep(5000)) return preflight.pass("ok")]])
    assert.equal("pass", c.status)
    assert.equal(1024, #c.log[1])
    assert.equal(" [truncated]", c.log[1]:sub(-12))
  end)

  it("keeps at most 64 messages, then says how many were not kept", function()
    local c = run_body([[
      for i = 1, 200 do preflight.log("m" .. i) end
      return preflight.pass("ok")]])
    assert.equal("pass", c.status)
    assert.equal(65, #c.log)
    assert.equal("m64", c.log[64])
    assert.truthy(c.log[65]:find("^%[log truncated: 136 more messages not kept;"), c.log[65])
  end)

  it("keeps at most 16384 bytes per check", function()
    local c = run_body([[
      for _ = 1, 20 do preflight.log(("y"):rep(1024)) end
      return preflight.pass("ok")]])
    assert.equal("pass", c.status)
    local bytes = 0
    for i = 1, #c.log - 1 do bytes = bytes + #c.log[i] end
    assert.is_true(bytes <= 16384)
    assert.equal(17, #c.log)
    assert.truthy(c.log[17]:find("^%[log truncated: 4 more messages not kept;"), c.log[17])
  end)

  it("raises on a non-string and on a second argument", function()
    for _, arg in ipairs({ "42", "nil", "{}", "true" }) do
      local c = run_body(("preflight.log(%s) return preflight.pass('no')"):format(arg))
      assert.equal("error", c.status)
      assert.equal("runtime", c.reason)
      assert.truthy(c.message:find("bad argument #1 to 'log' %(string expected"), c.message)
    end
    local c = run_body([[preflight.log("a", "b") return preflight.pass("no")]])
    assert.equal("error", c.status)
    assert.truthy(c.message:find("takes one argument"), c.message)
  end)

  it("shows a NUL byte as ? and keeps the log of a check that raised", function()
    local c = run_body([[preflight.log("a\0b") error("boom")]])
    assert.equal("error", c.status)
    assert.same({ "a?b" }, c.log)
  end)
end)

describe("preflight.fs.statvfs", function()
  local root
  before_each(function() root = support.tmpdir() end)
  after_each(function() support.rmtree(root) end)

  local function statvfs(path)
    return run_body(([[
      local v, err, code = preflight.fs.statvfs(%q)
      if not v then return preflight.fail(err .. " " .. tostring(code)) end
      return preflight.pass(math.type(v.free_bytes) .. " " .. math.type(v.total_bytes),
        { free = v.free_bytes, total = v.total_bytes })]]):format(path), root)
  end

  it("measures a real folder", function()
    assert(os.execute("mkdir '" .. root .. "/data'"))
    for _, p in ipairs({ ".", "data", root }) do
      local c = statvfs(p)
      assert.equal("pass", c.status, c.message)
      assert.equal("integer integer", c.message)
      assert.is_true(c.details.total > 0)
      assert.is_true(c.details.free > 0)
      assert.is_true(c.details.free <= c.details.total)
    end
  end)

  it("refuses paths outside the project root, symlinks included", function()
    assert(os.execute("ln -s / '" .. root .. "/out'"))
    assert.equal("..: outside the project root nil", statvfs("..").message)
    assert.equal("/etc: outside the project root nil", statvfs("/etc").message)
    assert.equal("out: outside the project root nil", statvfs("out").message)
    assert.equal("out/tmp: outside the project root nil", statvfs("out/tmp").message)
  end)

  it("returns nil, err, errno for a missing path", function()
    local c = statvfs("nope")
    assert.equal("fail", c.status)
    assert.equal("nope: No such file or directory 2", c.message)
  end)

  it("raises on a path that is not a string", function()
    local c = run_body([[preflight.fs.statvfs({}) return preflight.pass("no")]], root)
    assert.equal("error", c.status)
    assert.truthy(c.message:find("bad argument #1 to 'statvfs'"), c.message)
  end)
end)

--- Names "family.fn" (or "fn") of the table in docs/primitives.md.
local function doc_names()
  local names, in_table = {}, false
  for line in io.lines(SRC .. "/docs/primitives.md") do
    if line:match("^| call | returns |") then
      in_table = true
    elseif in_table and not line:match("^|") then
      break
    elseif in_table and not line:match("^|%-") then
      local cell = line:match("^|([^|]*)|")
      local family
      for code in cell:gmatch("`([^`]+)`") do
        local name = code:match("^[%w_.]+"):gsub("^preflight%.", "")
        if name:sub(1, 1) == "." then
          name = assert(family, line) .. name
        end
        family = name:match("^(%w+)%.")
        names[#names + 1] = name
      end
    end
  end
  assert(#names > 20, "the table in docs/primitives.md was not found")
  return names
end

--- Names of a nested table: "k" for a leaf, "k.f" one level down.
local function flatten(t, is_family)
  local names = {}
  for k, v in pairs(t) do
    if is_family(v) then
      for f in pairs(is_family(v)) do names[#names + 1] = k .. "." .. f end
    else
      names[#names + 1] = k
    end
  end
  return names
end

--- The definitions of the LuaLS file, loaded as plain Lua.
local function meta_env()
  local env = {}
  local chunk = assert(loadfile(SRC .. "/share/preflight/types/preflight.lua", "t", env))
  chunk()
  return env
end

local function meta_names()
  return flatten(meta_env().preflight, function(v)
    return type(v) == "table" and next(v) ~= nil and v
  end)
end

--- The luacheck standard, as luacheck loads it.
local function luacheck_std()
  local rc = dofile(SRC .. "/share/preflight/luacheckrc.lua")
  assert.equal("preflight", rc.std)
  return rc.stds.preflight.read_globals
end

local function luacheck_names()
  return flatten(luacheck_std().preflight.fields, function(v) return v.fields end)
end

--- The real sandbox's preflight table, listed by a check (pairs lists a
--- read-only table's names).
local function host_names()
  local c = run_body([[
    local names = {}
    for k, v in pairs(preflight) do
      if type(v) == "userdata" then
        for f in pairs(v) do names[#names + 1] = k .. "." .. f end
      else
        names[#names + 1] = k
      end
    end
    return preflight.pass(table.concat(names, " "))]])
  assert.equal("pass", c.status, c.message)
  local names = {}
  for n in c.message:gmatch("%S+") do names[#names + 1] = n end
  return names
end

--- @field names of one ---@class in the LuaLS file.
local function meta_fields(class)
  local fields, inside = {}, false
  for line in io.lines(SRC .. "/share/preflight/types/preflight.lua") do
    if line:match("^%-%-%-@class ") then
      inside = line == "---@class " .. class
    elseif inside and line:match("^%-%-%-@field ") then
      fields[#fields + 1] = line:match("^%-%-%-@field ([%w_]+)")
    elseif not line:match("^%-%-%-") then
      inside = false
    end
  end
  assert(#fields > 0, "no ---@class " .. class)
  return fields
end

describe("the API in four places", function()
  it("docs/primitives.md, the LuaLS file, the luacheck standard and the host agree", function()
    local doc, meta = set_of(doc_names()), set_of(meta_names())
    local lc, real = set_of(luacheck_names()), set_of(host_names())
    assert_same("docs/primitives.md", doc, "the host", real)
    assert_same("the LuaLS file", meta, "the host", real)
    assert_same("the luacheck standard", lc, "the host", real)
    assert.is_true(real["log"] and real["fs.statvfs"] and true)
  end)

  it("the luacheck standard's globals are the sandbox's", function()
    local c = run_body([[
      local names = {}
      for k, v in pairs(_G) do
        if type(v) == "table" and k ~= "_G" then
          for f in pairs(v) do names[#names + 1] = k .. "." .. f end
        else
          names[#names + 1] = k
        end
      end
      return preflight.pass(table.concat(names, " "))]])
    assert.equal("pass", c.status, c.message)
    local real = {}
    for n in c.message:gmatch("%S+") do
      if not n:match("^preflight%.") then real[n] = true end
    end
    local std = {}
    for k, v in pairs(luacheck_std()) do
      if type(k) == "number" then
        std[v] = true
      elseif k == "preflight" then
        std[k] = true -- its fields are compared above
      else
        for f in pairs(v.fields) do std[k .. "." .. f] = true end
      end
    end
    assert_same("the luacheck standard's globals", std, "the sandbox's globals", real)
    assert.is_nil(real.print)
  end)

  it("the LuaLS file's check table and ctx are the host's", function()
    -- the host names its known fields when it meets an unknown one
    local dir = support.tmpdir()
    support.write(dir .. "/c.lua", [[return { id = "spec.f", title = "t", zz_unknown = 1,
      run = function() return preflight.pass("x") end }]])
    local r = support.host.run({ dir .. "/c.lua" }, { root = dir })
    support.rmtree(dir)
    local known = assert(r.checks[1].message:match("%(known: ([^)]*)%)"), r.checks[1].message)
    local host_fields = {}
    for f in known:gmatch("[%w_]+") do host_fields[f] = true end
    assert_same("preflight.Check in the LuaLS file", set_of(meta_fields("preflight.Check")),
      "the host's check fields", host_fields)
    local ctx = run_body([[
      local names = {}
      for k in pairs(ctx) do names[#names + 1] = k end
      return preflight.pass(table.concat(names, " "))]])
    local ctx_fields = {}
    for f in ctx.message:gmatch("%S+") do ctx_fields[f] = true end
    assert_same("preflight.Ctx in the LuaLS file", set_of(meta_fields("preflight.Ctx")),
      "the host's ctx", ctx_fields)
  end)

  it("pairs lists a read-only table without handing it out", function()
    local c = run_body([[
      for k, v in pairs(preflight.fs) do
        if preflight.fs[k] ~= v then return preflight.fail(k) end
      end
      local ok = pcall(function() preflight.fs.statvfs = nil end)
      local _, t = pairs(preflight.fs)
      return preflight.pass(("%s %s %s"):format(tostring(ok), type(t),
        tostring(getmetatable(preflight.fs))))]])
    assert.equal("pass", c.status, c.message)
    assert.equal("false userdata locked", c.message)
  end)
end)
