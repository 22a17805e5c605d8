return {
  id = "http.many-headers",
  title = "too many response headers are refused",
  run = function()
    local r, err = preflight.http.request{url = preflight.env.get("NET_HTTP") .. "/many-headers"}
    if r then return preflight.fail("accepted " .. r.status) end
    return preflight.fail(err)
  end,
}
