return {
  id = "http.refused",
  title = "a closed port is a refused connection",
  run = function()
    local r, err = preflight.http.request{url = preflight.env.get("NET_CLOSED_URL")}
    if r then return preflight.fail("got a response") end
    return preflight.fail(err)
  end,
}
