-- luacheck standard for preflight checks: the globals a check sees in the
-- preflight sandbox, all read-only, and every function of the preflight
-- table (docs/primitives.md), so a typo such as preflight.fs.stats, a
-- print or an io.open is reported before the check ever runs.
--
-- Installed as /usr/share/preflight/luacheckrc.lua. Use it in a check
-- repository either by copying it there as .luacheckrc, or from your own
-- .luacheckrc (luacheck looks modules up next to that file):
--
--   local pf = require("luacheckrc")      -- this file, copied beside it
--   stds.preflight = pf.stds.preflight
--   files["checks/"] = { std = "preflight" }
--   files["lib/"] = { std = "preflight" }
--   files["spec/"] = { std = "lua54+busted" }
--
-- std "preflight" is Lua 5.4 less what the sandbox leaves out: no print,
-- io, os, debug, package, coroutine, load, loadfile, dofile,
-- collectgarbage, warn or string.dump.

local function names(list)
  local t = {}
  for _, n in ipairs(list) do t[n] = {} end
  return { fields = t }
end

local preflight = { fields = {
  version = {},
  pass = {}, fail = {}, skip = {}, log = {},
  env = names { "get", "has", "uid" },
  fs = names { "list", "read", "stat", "statvfs" },
  http = names { "request" },
  redis = names { "ping" },
  db = names { "ping", "query" },
  clock = names { "iso8601", "monotonic_ms", "now" },
  json = names { "decode", "encode", "null" },
  crypto = names { "base64url", "hmac_sha256", "sha512", "uuid4" },
} }

local std = { read_globals = {
  "_G", "_VERSION", "assert", "error", "getmetatable", "ipairs", "next",
  "pairs", "pcall", "rawequal", "rawget", "rawlen", "rawset", "require",
  "select", "setmetatable", "tonumber", "tostring", "type", "xpcall",
  string = names { "byte", "char", "find", "format", "gmatch", "gsub", "len",
    "lower", "match", "pack", "packsize", "rep", "reverse", "sub", "unpack",
    "upper" },
  table = names { "concat", "insert", "move", "pack", "remove", "sort",
    "unpack" },
  math = names { "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp",
    "floor", "fmod", "huge", "log", "max", "maxinteger", "min", "mininteger",
    "modf", "pi", "rad", "random", "randomseed", "sin", "sqrt", "tan",
    "tointeger", "type", "ult" },
  utf8 = names { "char", "charpattern", "codepoint", "codes", "len", "offset" },
  preflight = preflight,
} }

return {
  std = "preflight",
  stds = { preflight = std },
  max_line_length = 100,
}
