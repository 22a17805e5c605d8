-- Redirects are not followed unless asked.
return {
  id = "http.redirect",
  title = "redirects are off unless asked",
  run = function()
    local base = preflight.env.get("NET_HTTP")
    local r = preflight.http.request{url = base .. "/redirect"}
    if not r or r.status ~= 302 or r.headers.location ~= "/json" then
      return preflight.fail("302 not returned as is")
    end
    local f = preflight.http.request{url = base .. "/redirect", follow_redirects = true}
    if not f or f.status ~= 200 or f.headers["x-custom"] ~= "yes" then
      return preflight.fail("follow_redirects did not reach /json")
    end
    return preflight.pass("302 kept; followed on request")
  end,
}
