---@meta preflight
-- LuaLS (lua-language-server) definitions of the preflight check API, for
-- completion and hover docs while writing a check. Definitions only: the
-- functions here do nothing; the host provides the real ones.
--
-- Installed as /usr/share/preflight/types/preflight.lua. In the check
-- repository's .luarc.json:
--   { "runtime.version": "Lua 5.4",
--     "workspace.library": ["/usr/share/preflight/types"],
--     "runtime.builtin": { "io": "disable", "os": "disable",
--       "debug": "disable", "package": "disable", "coroutine": "disable" } }
--
-- docs/primitives.md is the reference; a test keeps this file, the luacheck
-- standard (luacheckrc.lua), that document and the host in step.

---A check's result. Only preflight.pass, preflight.fail and
---preflight.skip make one; `run` must return exactly one of them.
---@class preflight.Result

---A flat table copied into the evidence: at most 64 entries, string keys of
---1 to 64 bytes, values strings of at most 1024 bytes, finite numbers or
---booleans.
---@alias preflight.Details table<string, string|number|boolean>

---What `run(ctx)` is given.
---@class preflight.Ctx
---@field mode "paper"|"live" The trading mode (ARBITRAGE_ENV).
---@field phase "start"|"guard" "start" for run, arm and exec; "guard" for the guard's cycles (DESIGN 8.8).
---@field id string The check's id.
---@field timeout_ms integer The check's time budget in ms (its timeout_ms clamped by --timeout-ms).

---The table a check file returns. Any other field is a contract error.
---@class preflight.Check
---@field id string Unique in the run, ^[a-z0-9][a-z0-9_.-]*$, at most 128 bytes.
---@field title string One human sentence, at most 200 bytes.
---@field tags? string[] At most 16, each ^[a-z0-9_-]+$.
---@field timeout_ms? integer 1 to 86400000; clamped to --timeout-ms.
---@field guard_failures? integer 1 to 5 (default 1): failed guard cycles in a row the guard tolerates.
---@field run fun(ctx: preflight.Ctx): preflight.Result Returns preflight.pass, preflight.fail or preflight.skip.

---@class preflight.Stat
---@field type "file"|"directory"|"symlink"|"fifo"|"socket"|"char"|"block"|"other"
---@field size integer Bytes.
---@field mode integer Permission bits (0640 is 416).
---@field uid integer
---@field gid integer
---@field mtime integer Unix seconds.

---@class preflight.Statvfs
---@field free_bytes integer Bytes an unprivileged user may still write.
---@field total_bytes integer Size of the file system.

---@class preflight.HttpRequest
---@field method? "DELETE"|"GET"|"HEAD"|"OPTIONS"|"PATCH"|"POST"|"PUT" Default GET.
---@field url string http:// or https:// only, at most 8192 bytes.
---@field headers? table<string, string> At most 64 headers, 16 KiB.
---@field body? string
---@field timeout_ms? integer Default: the check's time left.
---@field follow_redirects? boolean Default false.
---@field max_body_bytes? integer 1 byte to 16 MiB; default 4 MiB.

---@class preflight.HttpResponse
---@field status integer Any status is a response (500 and 429 included).
---@field headers table<string, string> Lower-case names.
---@field body string
---@field elapsed_ms number

---The read-only table of primitives. Misuse (a wrong argument type)
---raises; the world failing returns `nil, err`.
---@class preflight
preflight = {}

---The host's version string.
---@type string
preflight.version = ""

---Make a passing result: the only way a check passes.
---@param message string What was found.
---@param details? preflight.Details
---@return preflight.Result
function preflight.pass(message, details) end

---Make a failing result.
---@param message string What was found and what was expected.
---@param details? preflight.Details
---@return preflight.Result
function preflight.fail(message, details) end

---Make a skip: the check does not apply here. Never a pass; a skip of a
---manifest (required) check fails the run.
---@param message string
---@param details? preflight.Details
---@return preflight.Result
function preflight.skip(message, details) end

---Write a note to the check's log: masked like every output, each message
---cut to 1024 bytes, at most 64 messages and 16384 bytes per check (then a
---last entry says how many were not kept). Shown with --verbose on stderr
---and kept in the evidence (checks[].log). A non-string raises.
---@param message string
function preflight.log(message) end

preflight.env = {}

---The value of an environment variable, or nil when it is not set.
---@param name string
---@return string|nil
function preflight.env.get(name) end

---Whether an environment variable is set.
---@param name string
---@return boolean
function preflight.env.has(name) end

---The effective user id running the check.
---@return integer
function preflight.env.uid() end

preflight.fs = {}

---lstat of a path (relative paths from the project root).
---@param path string
---@return preflight.Stat|nil stat
---@return string? err
---@return integer? errno
function preflight.fs.stat(path) end

---Contents of a regular file below the project root (symlinks resolved).
---@param path string
---@param max_bytes? integer 1 byte to 16 MiB; default 1 MiB.
---@return string|nil contents
---@return string? err
function preflight.fs.read(path, max_bytes) end

---Sorted names in a folder below the project root.
---@param path string
---@return string[]|nil names
---@return string? err
---@return integer? errno
function preflight.fs.list(path) end

---Free and total bytes of the file system holding a path below the
---project root (confined like fs.read and fs.list).
---@param path string
---@return preflight.Statvfs|nil space
---@return string? err
---@return integer? errno
function preflight.fs.statvfs(path) end

preflight.http = {}

---An HTTP request: from fixtures in mock mode, libcurl in real mode.
---@param request preflight.HttpRequest
---@return preflight.HttpResponse|nil response
---@return string? err
function preflight.http.request(request) end

preflight.redis = {}

---Connect, AUTH/SELECT as the URL says, PING. Always real.
---@param url string redis://[[user]:password@]host[:port][/db] or unix://...
---@param timeout_ms? integer
---@return true|nil ok
---@return number|string latency_ms_or_err
---@return string? class "url" for a URL that cannot be used
function preflight.redis.ping(url, timeout_ms) end

preflight.db = {}

---Connect to PostgreSQL and run SELECT 1. Always real.
---@param conninfo string libpq key=value pairs or a postgresql:// URL.
---@param timeout_ms? integer
---@return true|nil ok
---@return number|string latency_ms_or_err
---@return string? class "url" for a connection string libpq cannot parse
function preflight.db.ping(conninfo, timeout_ms) end

---Run one SQL statement in a read-only transaction and return its rows.
---Parameters are bound ($1, $2, ...), never spliced into the SQL;
---statement_timeout comes from the check's remaining time; more than
---10000 rows or 4 MiB of values is nil, err (never a cut result). Values:
---integers and floats as numbers (numeric up to 15 significant digits,
---else its text), booleans, NULL as an absent field, the rest as strings.
---Connect with a read-only role (docs/KPI-SCHEMA.md).
---@param conninfo string libpq key=value pairs or a postgresql:// URL.
---@param sql string one statement
---@param params (string|number|boolean|nil)[] bound to $1, $2, ...
---@param timeout_ms? integer
---@return table<string, any>[]|nil rows an array of column-name tables
---@return string? err
function preflight.db.query(conninfo, sql, params, timeout_ms) end

preflight.clock = {}

---The real UTC time, Unix seconds with a fraction.
---@return number
function preflight.clock.now() end

---RFC 3339 UTC text of Unix seconds t.
---@param t number 0 to year 9999.
---@return string
function preflight.clock.iso8601(t) end

---A monotonic clock in ms, for durations.
---@return number
function preflight.clock.monotonic_ms() end

preflight.json = {}

---Decode JSON (depth 64, 4 MiB); null becomes preflight.json.null.
---@param s string
---@return any|nil value
---@return string? err
function preflight.json.decode(s) end

---Encode a Lua value as JSON.
---@param v any
---@return string|nil text
---@return string? err
function preflight.json.encode(v) end

---The value JSON null decodes to.
---@type lightuserdata
preflight.json.null = {}

preflight.crypto = {}

---HMAC-SHA256 of msg under key: 64 hex digits, or 32 raw bytes.
---@param key string
---@param msg string
---@param enc? "hex"|"raw"
---@return string
function preflight.crypto.hmac_sha256(key, msg, enc) end

---SHA-512 of msg: 128 hex digits, or 64 raw bytes.
---@param msg string
---@param enc? "hex"|"raw"
---@return string
function preflight.crypto.sha512(msg, enc) end

---base64url without padding (RFC 4648 section 5).
---@param bytes string
---@return string
function preflight.crypto.base64url(bytes) end

---A random version-4 UUID.
---@return string|nil uuid
---@return string? err
function preflight.crypto.uuid4() end
