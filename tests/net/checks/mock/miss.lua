return {
  id = "mock.miss",
  title = "an unmatched request has no fixture",
  run = function()
    local r, err = preflight.http.request{url = "https://api.exchange.test/v1/status?x=1"}
    if r then return preflight.fail("matched " .. r.status) end
    local r2, err2 = preflight.http.request{method = "DELETE",
                                            url = "https://api.exchange.test/v1/status"}
    if r2 or err2 ~= "no fixture for DELETE https://api.exchange.test/v1/status" then
      return preflight.fail("method not part of the match: " .. tostring(err2))
    end
    return preflight.fail(err)
  end,
}
