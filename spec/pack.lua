--- pack: helpers for the specs of the D98 check pack. Runs a shipped check
--- through the real host with the settings of examples/paper.env (the
--- demo's), optional overrides and a fixture set, restoring the
--- environment afterwards; evaluates Lua in the real sandbox (for the
--- library functions that need preflight.crypto); and installs a fake
--- `preflight` global for pure library units.
local assert = require("luassert")
local support = require("support")
local host = support.host

local M = {}

--- Every variable the pack reads; each run sets them all (or unsets
--- them), so the caller's own environment never leaks into a spec.
M.NAMES = {
  "ARBITRAGE_ENV", "EXCHANGES", "TRADE_ASSETS", "BINANCE_QUOTE", "UPBIT_QUOTE",
  "BINANCE_API_KEY", "BINANCE_API_SECRET", "UPBIT_ACCESS_KEY", "UPBIT_SECRET_KEY",
  "REDIS_URL", "DATABASE_URL", "LIVE_MAX_NOTIONAL_USD", "PLANNED_NOTIONAL_USD",
  "PAPER_MAX_NOTIONAL_USD", "CLOCK_SKEW_MAX_MS", "RATE_LIMIT_MIN_HEADROOM_PCT",
  "OPEN_ORDERS_MAX", "EXCHANGE_TIMEOUT_MS", "BINANCE_BASE_URL", "UPBIT_BASE_URL",
  "KEY_EXPIRY_MIN_DAYS",
  "FX_KRW_PER_USD", "FX_MAX_DEVIATION_PCT",
  "KPI_DATABASE_URL",
}

--- The settings of examples/paper.env.
-- @return table name -> value
function M.paper_env()
  local env = {}
  for line in io.lines(support.src .. "/examples/paper.env") do
    local k, v = line:match("^([A-Z][A-Z0-9_]*)=(.*)$")
    if k then env[k] = v end
  end
  return env
end

--- A marker for "unset this variable" in overrides.
M.UNSET = {}

--- Run fn with the paper settings plus overrides in the environment.
-- @param overrides table|nil name -> value or M.UNSET
-- @param fn function
function M.with_env(overrides, fn)
  local saved, env = {}, M.paper_env()
  for k, v in pairs(overrides or {}) do env[k] = v end
  local names = {}
  for _, n in ipairs(M.NAMES) do names[n] = true end
  for n in pairs(env) do names[n] = true end
  for n in pairs(names) do
    saved[n] = os.getenv(n)
    local v = env[n]
    if v == M.UNSET then v = nil end
    host.setenv(n, v)
  end
  local ok, a, b = pcall(fn)
  for n in pairs(names) do host.setenv(n, saved[n]) end
  if not ok then error(a, 0) end
  return a, b
end

--- Run a shipped check against a fixture set with the paper settings.
-- @param file string "checks/x.lua"
-- @param o table|nil {set = "timeout" (nil: the healthy set), env = {...},
--   root = dir (default: the source tree), mode = "paper"|"live",
--   phase = "start"|"guard" (ctx.phase; default start)}
-- @return table the check's result
function M.run(file, o)
  o = o or {}
  local fixtures = support.src .. "/checks/fixtures" .. (o.set and ("/" .. o.set) or "")
  return M.with_env(o.env, function()
    return support.run_check(file, { root = o.root or support.src, fixtures = fixtures,
                                     mode = o.mode, phase = o.phase })
  end)
end

--- Evaluate a Lua chunk (which returns one value) in the real sandbox and
--- return the value's text, or "error: <message>".
-- @param code string the chunk's body
-- @param env table|nil overrides (as with_env)
-- @return string
function M.eval(code, env)
  local dir = support.tmpdir()
  support.write(dir .. "/eval.lua", ([[
return { id = "spec.eval", title = "spec eval", run = function(ctx)
  local ok, v = pcall(function() %s end)
  if not ok then return preflight.fail("error: " .. tostring(v)) end
  return preflight.pass(tostring(v))
end }]]):format(code))
  local r = M.with_env(env, function()
    return host.run({ dir .. "/eval.lua" }, { root = dir, lib = support.src .. "/lib" })
  end)
  support.rmtree(dir)
  assert(r.checks, r.error)
  return r.checks[1].message
end

--- Install a fake `preflight` global for pure library units.
-- @param env table name -> value (the environment)
-- @param http table|nil url -> response table {status, headers, body}, or
--   a string err
-- @return table the fake (its `requests` list records each request)
function M.fake(env, http)
  local cjson = require("cjson")
  local fake = { requests = {} }
  fake.env = {
    get = function(n) return env[n] end,
    has = function(n) return env[n] ~= nil end,
    uid = function() return 1000 end,
  }
  fake.json = {
    decode = function(s)
      local ok, v = pcall(cjson.decode, s)
      if ok then return v end
      return nil, tostring(v)
    end,
    encode = function(v) return cjson.encode(v) end,
    null = cjson.null,
  }
  fake.http = {
    request = function(req)
      fake.requests[#fake.requests + 1] = req
      local r = (http or {})[req.url]
      if r == nil then return nil, "no fixture for GET " .. req.url end
      if type(r) == "string" then return nil, r end
      return { status = r.status, headers = r.headers or {}, body = r.body or "",
               elapsed_ms = 1 }
    end,
  }
  fake.clock = { now = function() return 1764213780.5 end }
  fake.pass = function(m, d) return { status = "pass", message = m, details = d } end
  fake.fail = function(m, d) return { status = "fail", message = m, details = d } end
  fake.skip = function(m, d) return { status = "skip", message = m, details = d } end
  _G.preflight = fake
  return fake
end

--- Run a shipped check for one spec row and assert its status and exact
--- message. A row: {name, set = fixture set or nil, env = overrides,
--- mode = "paper"|"live", status, message} (or `match`, a Lua pattern,
--- for a message holding a measured number such as a clock skew).
-- @param file string
-- @param row table
function M.check(file, row)
  local c = M.run(file, row)
  assert.equal(row.status, c.status, c.message)
  if row.match then
    assert.truthy(c.message:match(row.match), c.message)
  else
    assert.equal(row.message, c.message)
  end
end

--- Remove the fake.
function M.unfake()
  _G.preflight = nil
end

return M
