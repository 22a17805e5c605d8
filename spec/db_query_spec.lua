-- preflight.db.query against a throwaway PostgreSQL cluster (scripts/
-- services.sh), through the real host: bound parameters, the read-only
-- transaction, a read-only role, statement_timeout, the caps, value
-- types, masked errors and misuse.
local pack = require("pack")
local pg = require("pg")

describe("preflight.db.query", function()
  local s

  -- Evaluate code in the sandbox with DATABASE_URL set (url: the
  -- superuser's unless given); returns the value's text.
  local function eval(code, url)
    return pack.eval(code, { DATABASE_URL = url or s.url })
  end

  lazy_setup(function()
    s = pg.start()
    pg.exec(s, pg.source("examples/kpi/schema.sql"))
    pg.exec(s, [[CREATE TABLE spec_t (x text);
                 INSERT INTO spec_t VALUES ('a'), ('b');]])
  end)

  lazy_teardown(function() pg.stop(s) end)

  it("maps column types to Lua values, NULL to an absent field", function()
    assert.equal("a=integer:42 b=string:x f=float:1.5 n=float:12.5 i8=integer:9007199254740993"
      .. " ni=integer:120 big=string:123456789012345678901.5 t=boolean:true f2=boolean:false"
      .. " z=nil nan=string:NaN inf=float:inf ts=string:2026-11-30 00:00:00+00",
      eval([[
local rows = assert(preflight.db.query(preflight.env.get("DATABASE_URL"), [=[
SELECT $1::int AS a, $2::text AS b, 1.5::float8 AS f, 12.50::numeric AS n,
       9007199254740993::int8 AS i8, 120::numeric AS ni,
       123456789012345678901.5::numeric AS big, true AS t, false AS f2, NULL::int AS z,
       'NaN'::float8 AS nan, 'Infinity'::float8 AS inf,
       '2026-11-30T00:00:00Z'::timestamptz AS ts]=], { 42, "x" }))
assert(#rows == 1)
local out = {}
for _, k in ipairs({ "a", "b", "f", "n", "i8", "ni", "big", "t", "f2", "z", "nan", "inf", "ts" }) do
  local v = rows[1][k]
  out[#out + 1] = k .. "=" .. (v == nil and "nil" or
    ((math.type(v) or type(v)) .. ":" .. (v == math.huge and "inf" or tostring(v))))
end
return table.concat(out, " ")]]))
  end)

  it("returns an empty array for no rows, and rows in order", function()
    assert.equal("0 3:1,2,3", eval([[
local u = preflight.env.get("DATABASE_URL")
local none = assert(preflight.db.query(u, "SELECT 1 AS x WHERE false", {}))
local rows = assert(preflight.db.query(u, "SELECT generate_series(1, 3) AS i", {}))
local t = {}
for i, r in ipairs(rows) do t[i] = r.i end
return #none .. " " .. #rows .. ":" .. table.concat(t, ",")]]))
  end)

  it("binds parameters: an injection attempt is inert data", function()
    assert.equal("0 0 x' OR '1'='1", eval([[
local u = preflight.env.get("DATABASE_URL")
local a = assert(preflight.db.query(u, "SELECT count(*)::int AS n FROM spec_t WHERE x = $1",
  { "x' OR '1'='1" }))
local b = assert(preflight.db.query(u, "SELECT count(*)::int AS n FROM spec_t WHERE x = $1",
  { "a'; DROP TABLE spec_t; --" }))
local c = assert(preflight.db.query(u, "SELECT $1::text AS v", { "x' OR '1'='1" }))
return a[1].n .. " " .. b[1].n .. " " .. c[1].v]]))
    assert.truthy(pg.exec(s, "SELECT count(*) FROM spec_t;"):match("2"))
  end)

  it("takes nil parameters, and trailing ones through n", function()
    assert.equal("true false true", eval([[
local rows = assert(preflight.db.query(preflight.env.get("DATABASE_URL"),
  "SELECT $1::int IS NULL AS a, $2::int IS NULL AS b, $3::int IS NULL AS c",
  { nil, 7, nil, n = 3 }))
return tostring(rows[1].a) .. " " .. tostring(rows[1].b) .. " " .. tostring(rows[1].c)]]))
  end)

  it("runs in a read-only transaction: INSERT and CREATE fail, nothing is written", function()
    local got = eval([[
local u = preflight.env.get("DATABASE_URL")
local r1, e1 = preflight.db.query(u, "INSERT INTO spec_t VALUES ($1)", { "c" })
local r2, e2 = preflight.db.query(u, "CREATE TABLE spec_new (x int)", {})
local r3, e3 = preflight.db.query(u, "SELECT 1 AS x FROM spec_t FOR UPDATE", {})
return tostring(r1) .. "|" .. e1 .. "|" .. tostring(r2) .. "|" .. e2 .. "|" .. tostring(r3)
  .. "|" .. e3]])
    local r1, e1, r2, e2, r3, e3 = got:match("^(.-)|(.-)|(.-)|(.-)|(.-)|(.*)$")
    assert.equal("nil", r1)
    assert.truthy(e1:match("ERROR: cannot execute INSERT in a read%-only transaction$"), e1)
    assert.equal("nil", r2)
    assert.truthy(e2:match("ERROR: cannot execute CREATE TABLE in a read%-only transaction$"), e2)
    assert.equal("nil", r3)
    assert.truthy(e3:match("read%-only transaction$"), e3)
    assert.truthy(pg.exec(s, "SELECT count(*) FROM spec_t;"):match("2"))
    assert.truthy(pg.exec(s, "SELECT to_regclass('spec_new') IS NULL AS gone;"):match("t"))
  end)

  it("refuses to leave the read-only transaction or to run two statements", function()
    local got = eval([[
local u = preflight.env.get("DATABASE_URL")
local r1, e1 = preflight.db.query(u, "SET TRANSACTION READ WRITE", {})
local r2, e2 = preflight.db.query(u, "SELECT 1; INSERT INTO spec_t VALUES ('z')", {})
local r3, e3 = preflight.db.query(u, "COMMIT", {})
return tostring(r1) .. "|" .. e1 .. "|" .. tostring(r2) .. "|" .. e2 .. "|" .. tostring(r3)
  .. "|" .. tostring(e3)]])
    local r1, e1, r2, e2 = got:match("^(.-)|(.-)|(.-)|(.-)|")
    assert.equal("nil", r1)
    assert.truthy(e1:match("transaction read%-write mode must be set before any query$"), e1)
    assert.equal("nil", r2)
    assert.truthy(e2:match("cannot insert multiple commands into a prepared statement$"), e2)
    assert.truthy(pg.exec(s, "SELECT count(*) FROM spec_t;"):match("2"))
  end)

  it("reads through the read-only role of examples/kpi; that role cannot write at all", function()
    pg.exec(s, pg.source("examples/kpi/readonly-role.sql"), { vars = { pw = "'ro-Pw-77'" } })
    pg.exec(s, "INSERT INTO kpi.pnl (at, realized_usd) VALUES (now(), 5);")
    local ro = s.url:gsub("postgres:%x+@", "preflight_ro:ro-Pw-77@")
    local got = eval([[
local u = preflight.env.get("DATABASE_URL")
local rows = assert(preflight.db.query(u, "SELECT count(*)::int AS n FROM kpi.pnl", {}))
local r, e = preflight.db.query(u, "INSERT INTO kpi.pnl (at, realized_usd) VALUES (now(), 1)", {})
return rows[1].n .. "|" .. tostring(r) .. "|" .. e]], ro)
    assert.equal("1|nil|", got:sub(1, 6))
    assert.falsy(got:find("ro-Pw-77", 1, true))
    -- without preflight's read-only transaction, and with the role's
    -- read-only default turned off, the grants alone still refuse a write
    local ok, out = pg.psql(s, [[BEGIN READ WRITE;
      INSERT INTO kpi.pnl (at, realized_usd) VALUES (now(), 1);]],
      { user = "preflight_ro", password = "ro-Pw-77" })
    assert.is_false(ok)
    assert.truthy(out:match("permission denied for table pnl"), out)
    ok, out = pg.psql(s, "CREATE TABLE kpi.x (i int);",
      { user = "preflight_ro", password = "ro-Pw-77" })
    assert.is_false(ok)
    assert.truthy(out:match("read%-only transaction") or out:match("permission denied"), out)
    assert.truthy(pg.exec(s, "SELECT count(*) FROM kpi.pnl;"):match("1"))
  end)

  it("sets statement_timeout within the time given", function()
    local got = eval([[
local rows = assert(preflight.db.query(preflight.env.get("DATABASE_URL"),
  "SHOW statement_timeout", {}, 1000))
return rows[1].statement_timeout]])
    local ms = tonumber(got:match("^(%d+)ms$"))
    assert.truthy(ms, got)
    assert.truthy(ms >= 1 and ms < 1000, got)
  end)

  it("cuts a query longer than the time left: nil, err, the password masked", function()
    local pw = s.url:match("postgres:(%x+)@")
    local got = eval([[
local r, e = preflight.db.query(preflight.env.get("DATABASE_URL"), "SELECT pg_sleep(30)", {}, 1500)
return tostring(r) .. "|" .. e]])
    assert.equal("nil|", got:sub(1, 4))
    assert.truthy(got:match("canceling statement due to statement timeout$")
      or got:match("|timeout after 1500 ms: postgres "), got)
    assert.falsy(got:find(pw, 1, true))
  end)

  it("refuses more rows than the cap, never a cut result", function()
    assert.equal("10000|nil|postgres 127.0.0.1:" .. s.port .. "/postgres: the query returned"
      .. " more than 10000 rows (the cap); aggregate in SQL or add a LIMIT", eval([[
local u = preflight.env.get("DATABASE_URL")
local ok = assert(preflight.db.query(u, "SELECT generate_series(1, 10000) AS i", {}))
local r, e = preflight.db.query(u, "SELECT generate_series(1, 10001) AS i", {})
return #ok .. "|" .. tostring(r) .. "|" .. e]]))
  end)

  it("refuses more bytes than the cap, never a cut result", function()
    assert.equal("3|nil|postgres 127.0.0.1:" .. s.port .. "/postgres: the query returned more"
      .. " than 4194304 bytes of values (the cap); aggregate in SQL or add a LIMIT", eval([[
local u = preflight.env.get("DATABASE_URL")
local ok = assert(preflight.db.query(u,
  "SELECT repeat('x', 1048576) AS v FROM generate_series(1, 3)", {}))
local r, e = preflight.db.query(u,
  "SELECT repeat('x', 1048576) AS v FROM generate_series(1, 5)", {})
return #ok .. "|" .. tostring(r) .. "|" .. e]]))
  end)

  it("never shows the password: wrong password, an error echoing it, a bad conninfo", function()
    local pw = s.url:match("postgres:(%x+)@")
    local got = eval([[
local u = preflight.env.get("DATABASE_URL")
local pw = u:match("postgres:(%x+)@")
local _, e1 = preflight.db.query(u:gsub(pw, "Wr0ng-" .. pw), "SELECT 1", {})
local _, e2 = preflight.db.query(u, "SELECT $1::int AS x", { pw })
local _, e3, class = preflight.db.query("host=127.0.0.1 password=" .. pw .. " bogus",
  "SELECT 1", {})
return e1 .. "|" .. e2 .. "|" .. e3 .. "|" .. class]])
    assert.falsy(got:find(pw, 1, true), got)
    assert.truthy(got:match('password authentication failed for user "postgres"'), got)
    assert.truthy(got:match('invalid input syntax for type integer: "%*%*%*"'), got)
    assert.truthy(got:match("bad PostgreSQL connection string: .*|url$"), got)
  end)

  it("a duplicate column name is nil, err (a row could hold only one)", function()
    assert.equal("nil|postgres 127.0.0.1:" .. s.port .. '/postgres: the column name "a" appears'
      .. " twice in the result; name each column (AS)", eval([[
local r, e = preflight.db.query(preflight.env.get("DATABASE_URL"), "SELECT 1 AS a, 2 AS a", {})
return tostring(r) .. "|" .. e]]))
  end)

  for _, row in ipairs({
    { "params not a table", [[preflight.db.query(u, "SELECT 1")]], "table expected" },
    { "a table as a parameter", [[preflight.db.query(u, "SELECT $1", { {} })]],
      "params[1] is a table; a parameter is a string, number, boolean or nil" },
    { "a key that is not an index", [[preflight.db.query(u, "SELECT 1", { x = 1 })]],
      "params must be an array of at most 100 values" },
    { "an index over 100", [[preflight.db.query(u, "SELECT 1", { [101] = 1 })]],
      "params must be an array of at most 100 values" },
    { "n below the highest index", [[preflight.db.query(u, "SELECT 1", { 1, 2, n = 1 })]],
      "params.n is less than the highest index" },
    { "a non-finite number", [[preflight.db.query(u, "SELECT $1", { 0/0 })]],
      "params[1] is not a finite number" },
    { "a NUL in a parameter", [[preflight.db.query(u, "SELECT $1", { "a\0b" })]],
      "params[1] contains a NUL byte" },
    { "SQL that is not a string", [[preflight.db.query(u, 5, {})]], "string expected" },
    { "a bad timeout", [[preflight.db.query(u, "SELECT 1", {}, 0)]],
      "timeout_ms must be a positive integer" },
  }) do
    it("raises on misuse: " .. row[1], function()
      local got = eval("local u = preflight.env.get('DATABASE_URL') return " .. row[2])
      assert.truthy(got:find("error: ", 1, true) == 1, got)
      assert.truthy(got:find(row[3], 1, true), got)
    end)
  end
end)
