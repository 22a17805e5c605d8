return {
  id = "mock.refused",
  title = "a fixture can simulate a refused connection",
  run = function()
    local r, err = preflight.http.request{url = "https://api.exchange.test/v1/refused"}
    if r then return preflight.fail("got a response") end
    return preflight.fail(err)
  end,
}
