-- TLS peer verification is always on: a self-signed certificate is refused.
return {
  id = "http.tls-self-signed",
  title = "a self-signed certificate is refused",
  run = function()
    local r, err = preflight.http.request{url = preflight.env.get("NET_HTTPS") .. "/json",
                                          timeout_ms = 3000}
    if r then return preflight.fail("accepted a self-signed certificate: " .. r.status) end
    return preflight.fail(err)
  end,
}
