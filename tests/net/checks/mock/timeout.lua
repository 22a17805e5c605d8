return {
  id = "mock.timeout",
  title = "a fixture can simulate a timeout",
  run = function()
    local r, err = preflight.http.request{url = "https://api.exchange.test/v1/timeout",
                                          timeout_ms = 250}
    if r then return preflight.fail("got a response") end
    return preflight.fail(err)
  end,
}
