return {
  id = "mock.post",
  title = "a POST fixture matches on method",
  run = function()
    local r, err = preflight.http.request{method = "POST",
                                          url = "https://api.exchange.test/v1/orders",
                                          body = "{}", headers = {["X-Api-Key"] = "k"}}
    if not r then return preflight.fail(err) end
    if r.status ~= 201 or r.body ~= "created" then return preflight.fail("got " .. r.status) end
    return preflight.pass("201")
  end,
}
