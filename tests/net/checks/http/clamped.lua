-- timeout_ms beyond the check's own time is clamped to the time left: the
-- request returns before the check's deadline, and the check is a timeout.
return {
  id = "http.clamped",
  title = "a request cannot outlive its check",
  timeout_ms = 400,
  run = function()
    local r = preflight.http.request{url = preflight.env.get("NET_HTTP") .. "/slow",
                                     timeout_ms = 10000}
    if r then return preflight.fail("got a response") end
    return preflight.pass("must not count: the check ran out of time")
  end,
}
