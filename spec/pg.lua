--- pg: a throwaway PostgreSQL (and Redis, when asked) for specs, from
--- scripts/services.sh, and psql as its superuser over the cluster's
--- socket. Always pair start with stop (in lazy_teardown).
local support = require("support")

local M = {}

local function q(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

--- Start the services.
-- @param which string|nil "postgres" (default) or "postgres redis"
-- @return table {dir, url, redis_url, port}
function M.start(which)
  local dir = support.tmpdir()
  local p = io.popen("sh " .. q(support.src .. "/scripts/services.sh") .. " start " .. q(dir)
    .. " " .. (which or "postgres"))
  local out = p:read("a")
  p:close()
  local s = { dir = dir, url = out:match("DATABASE_URL=(%S+)"),
              redis_url = out:match("REDIS_URL=(%S+)") }
  s.port = s.url and s.url:match(":(%d+)/postgres$")
  assert(s.url, "scripts/services.sh did not start PostgreSQL")
  return s
end

--- Stop what start started.
function M.stop(s)
  if not s then return end
  os.execute("sh " .. q(support.src .. "/scripts/services.sh") .. " stop " .. q(s.dir))
end

--- Run SQL with psql (ON_ERROR_STOP) as the superuser over the socket,
--- or, with opts.user and opts.password, as that role over TCP.
-- @param s table from start
-- @param sql string
-- @param opts table|nil {user, password, vars = {name = value}}
-- @return boolean ok
-- @return string psql's output (stdout and stderr)
function M.psql(s, sql, opts)
  opts = opts or {}
  local f = os.tmpname()
  support.write(f, sql)
  local vars = ""
  for k, v in pairs(opts.vars or {}) do vars = vars .. " -v " .. q(k .. "=" .. v) end
  local cmd = "unset LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; "
    .. "export PF_SERVICES_LIB=1; . " .. q(support.src .. "/scripts/services.sh") .. "; "
  if opts.user then
    cmd = cmd .. "PGPASSWORD=" .. q(opts.password) .. " \"$(pf_svc_pgbin)/psql\" -X -q"
      .. " -v ON_ERROR_STOP=1" .. vars .. " -h 127.0.0.1 -p " .. s.port .. " -U " .. q(opts.user)
      .. " -d postgres -f - < " .. q(f) .. " 2>&1"
  else
    cmd = cmd .. "pf_svc_as_pg \"$(pf_svc_pgbin)/psql\" -X -q -v ON_ERROR_STOP=1" .. vars
      .. " -h " .. q(s.dir .. "/pg/sock") .. " -p " .. s.port .. " -U postgres -d postgres"
      .. " -f - < " .. q(f) .. " 2>&1"
  end
  local p = io.popen(cmd)
  local out = p:read("a")
  local ok = p:close()
  os.remove(f)
  return ok == true, out
end

--- psql that must succeed; returns its output.
function M.exec(s, sql, opts)
  local ok, out = M.psql(s, sql, opts)
  assert(ok, out)
  return out
end

--- The text of a file in the source tree.
function M.source(path)
  local f = assert(io.open(support.src .. "/" .. path, "rb"))
  local t = f:read("a")
  f:close()
  return t
end

return M
