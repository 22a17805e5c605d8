-- In mock mode a request for a real loopback URL is answered from the
-- fixture, and a miss stays a miss: the driver checks the listener saw
-- no connection.
return {
  id = "mock.no-network",
  title = "mock mode opens no socket",
  run = function()
    local url = preflight.env.get("NET_TRAP_URL")
    local r, err = preflight.http.request{url = url}
    if not r then return preflight.fail("fixture not used: " .. err) end
    if r.status ~= 200 or r.body ~= "from the fixture" then return preflight.fail(r.body) end
    local r2, err2 = preflight.http.request{url = url .. "-miss"}
    if r2 or err2 ~= "no fixture for GET " .. url .. "-miss" then
      return preflight.fail("miss: " .. tostring(err2))
    end
    return preflight.pass("answered by the fixture")
  end,
}
