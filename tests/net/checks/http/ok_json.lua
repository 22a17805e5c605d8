-- 200 with a JSON body and headers (names lower-cased, repeats joined).
return {
  id = "http.ok-json",
  title = "a 200 JSON answer comes back whole",
  run = function()
    local base = preflight.env.get("NET_HTTP")
    local r, err = preflight.http.request{url = base .. "/json?x=1", timeout_ms = 3000}
    if not r then return preflight.fail("request failed: " .. err) end
    if r.status ~= 200 then return preflight.fail("status " .. r.status) end
    if r.headers["content-type"] ~= "application/json" then
      return preflight.fail("content-type " .. tostring(r.headers["content-type"]))
    end
    if r.headers["x-custom"] ~= "yes" or r.headers["X-Custom"] ~= nil then
      return preflight.fail("header names are not lower-cased")
    end
    if r.headers["x-dup"] ~= "a, b" then
      return preflight.fail("x-dup " .. tostring(r.headers["x-dup"]))
    end
    local doc = preflight.json.decode(r.body)
    if not doc or doc.ok ~= true or doc.exchange ~= "loopback" or #doc.n ~= 3 then
      return preflight.fail("body " .. r.body)
    end
    if type(r.elapsed_ms) ~= "number" then return preflight.fail("no elapsed_ms") end
    return preflight.pass("200 json", {status = r.status})
  end,
}
