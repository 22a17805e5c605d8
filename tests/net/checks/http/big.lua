-- Bodies over the cap are errors, whether the length is announced or not.
return {
  id = "http.big",
  title = "a body over the cap is refused",
  run = function()
    local base = preflight.env.get("NET_HTTP")
    local r1, e1 = preflight.http.request{url = base .. "/big"}
    if r1 then return preflight.fail("/big accepted") end
    if e1 ~= "response body larger than 4194304 bytes: GET " .. base .. "/big" then
      return preflight.fail("/big: " .. e1)
    end
    local r2, e2 = preflight.http.request{url = base .. "/big-stream"}
    if r2 then return preflight.fail("/big-stream accepted") end
    if not e2:find("response body larger than 4194304 bytes", 1, true) then
      return preflight.fail("/big-stream: " .. e2)
    end
    local r3, e3 = preflight.http.request{url = base .. "/json", max_body_bytes = 10}
    if r3 or not e3:find("larger than 10 bytes", 1, true) then
      return preflight.fail("max_body_bytes=10: " .. tostring(e3))
    end
    local r4 = preflight.http.request{url = base .. "/json", max_body_bytes = 1000}
    if not r4 or r4.status ~= 200 then return preflight.fail("max_body_bytes=1000 refused") end
    return preflight.pass("caps hold")
  end,
}
