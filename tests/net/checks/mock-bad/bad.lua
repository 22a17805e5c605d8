-- One malformed fixture fails every mock request (fail closed).
return {
  id = "mock.bad-fixture",
  title = "a malformed fixture is an error the check sees",
  run = function()
    local r, err = preflight.http.request{url = "https://api.exchange.test/v1/status"}
    if r then return preflight.fail("answered despite a broken fixture") end
    return preflight.fail(err)
  end,
}
