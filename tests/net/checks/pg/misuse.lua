return {
  id = "pg.misuse",
  title = "bad connection strings and arguments raise",
  run = function()
    local ok, err = pcall(preflight.db.ping, "host=127.0.0.1 password=hunter2-pg bogus")
    if ok then return preflight.fail("a bad conninfo did not raise") end
    if not tostring(err):find("bad PostgreSQL connection string", 1, true) then
      return preflight.fail("raised " .. tostring(err))
    end
    if tostring(err):find("hunter2-pg", 1, true) then
      return preflight.fail("password in " .. err)
    end
    ok, err = pcall(preflight.db.ping, "host=127.0.0.1", -1)
    if ok or not tostring(err):find("timeout_ms must be a positive integer", 1, true) then
      return preflight.fail("bad timeout: " .. tostring(err))
    end
    ok = pcall(preflight.db.ping, {})
    if ok then return preflight.fail("a table did not raise") end
    return preflight.pass("misuses raised")
  end,
}
