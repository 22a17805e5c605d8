--- support: helpers for specs that run checks through the real host.
local host = require("preflight_host")

local M = {}

--- The source tree (specs run from the project root).
M.src = os.getenv("PREFLIGHT_SRC") or "."

--- Make a fresh temporary folder and return its path.
-- @return string
function M.tmpdir()
  local p = os.tmpname()
  os.remove(p)
  assert(os.execute("mkdir -p '" .. p .. "'"))
  return p
end

--- Write text to a file, creating its folder.
function M.write(path, text)
  local dir = path:match("^(.*)/[^/]+$")
  if dir then assert(os.execute("mkdir -p '" .. dir .. "'")) end
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

--- Remove a folder tree.
function M.rmtree(path)
  os.execute("rm -rf '" .. path .. "'")
end

--- Run one shipped check file through the host with root as the project
--- root. Returns the host's result for that check, and the whole run.
-- @param file string path under checks/
-- @param opts table|nil host.run options (root, timeout_ms, ...)
function M.run_check(file, opts)
  opts = opts or {}
  opts.lib = opts.lib or (M.src .. "/lib")
  local run = host.run({ M.src .. "/" .. file }, opts)
  return run.checks[1], run
end

M.host = host
return M
