return {
  id = "pg.misuse",
  title = "a bad connection string is nil, err, 'url'; bad arguments raise",
  run = function()
    local ok, err, class = preflight.db.ping("host=127.0.0.1 password=hunter2-pg bogus")
    if ok ~= nil or class ~= "url" then
      return preflight.fail("a bad conninfo gave " .. tostring(ok) .. ", " .. tostring(class))
    end
    if not tostring(err):find("bad PostgreSQL connection string", 1, true) then
      return preflight.fail("said " .. tostring(err))
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
    return preflight.pass("bad conninfo refused, misuses raised")
  end,
}
