-- A 500 is a response, not an error: the check decides what it means.
return {
  id = "http.status-500",
  title = "a 500 comes back as a status",
  run = function()
    local r, err = preflight.http.request{url = preflight.env.get("NET_HTTP") .. "/status/500"}
    if not r then return preflight.fail("request failed: " .. err) end
    if r.status ~= 500 or r.body ~= "status body" then
      return preflight.fail("got " .. r.status .. " " .. r.body)
    end
    return preflight.pass("500 seen")
  end,
}
