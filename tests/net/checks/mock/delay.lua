-- delay_ms sleeps; a delay past the timeout is a timeout after the timeout.
return {
  id = "mock.delay",
  title = "fixtures simulate latency",
  run = function()
    local t0 = preflight.clock.monotonic_ms()
    local r, err = preflight.http.request{url = "https://api.exchange.test/v1/slow"}
    local took = preflight.clock.monotonic_ms() - t0
    if not r then return preflight.fail(err) end
    if took < 140 or r.elapsed_ms < 140 then return preflight.fail("no delay: " .. took) end
    t0 = preflight.clock.monotonic_ms()
    local r2, err2 = preflight.http.request{url = "https://api.exchange.test/v1/very-slow",
                                            timeout_ms = 200}
    took = preflight.clock.monotonic_ms() - t0
    if r2 then return preflight.fail("very-slow answered") end
    if err2 ~= "timeout after 200 ms: GET https://api.exchange.test/v1/very-slow" then
      return preflight.fail("err " .. err2)
    end
    if took < 190 or took > 1000 then return preflight.fail("timeout took " .. took) end
    return preflight.pass("delay and timeout simulated")
  end,
}
