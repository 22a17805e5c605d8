-- A response slower than timeout_ms is a timeout error, returned in time.
return {
  id = "http.slow",
  title = "a slow answer times out at timeout_ms",
  run = function()
    local url = preflight.env.get("NET_HTTP") .. "/slow"
    local t0 = preflight.clock.monotonic_ms()
    local r, err = preflight.http.request{url = url, timeout_ms = 300}
    local took = preflight.clock.monotonic_ms() - t0
    if r then return preflight.fail("got a response: " .. r.status) end
    if err ~= "timeout after 300 ms: GET " .. url then return preflight.fail("err " .. err) end
    if took < 250 or took > 1500 then return preflight.fail("took " .. took .. " ms") end
    return preflight.fail(err) -- the driver checks this exact message
  end,
}
