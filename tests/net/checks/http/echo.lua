-- Method, request headers and body reach the server.
return {
  id = "http.echo",
  title = "a POST sends its headers and body",
  run = function()
    local r, err = preflight.http.request{
      method = "POST", url = preflight.env.get("NET_HTTP") .. "/echo",
      headers = {["X-Api-Key"] = "k-123", ["Content-Type"] = "application/json"},
      body = '{"a":1}',
    }
    if not r then return preflight.fail("request failed: " .. err) end
    local d = preflight.json.decode(r.body)
    if d.method ~= "POST" or d.headers["x-api-key"] ~= "k-123" or d.body ~= '{"a":1}'
      or d.headers["content-type"] ~= "application/json"
      or d.headers["expect"] ~= nil then
      return preflight.fail("echo " .. r.body)
    end
    local r2 = preflight.http.request{method = "DELETE",
                                      url = preflight.env.get("NET_HTTP") .. "/echo"}
    if not r2 or preflight.json.decode(r2.body).method ~= "DELETE" then
      return preflight.fail("DELETE not sent")
    end
    local r3 = preflight.http.request{method = "HEAD",
                                      url = preflight.env.get("NET_HTTP") .. "/json"}
    if not r3 or r3.status ~= 200 or r3.body ~= "" then return preflight.fail("HEAD") end
    return preflight.pass("echoed")
  end,
}
