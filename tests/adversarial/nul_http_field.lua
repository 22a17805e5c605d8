-- expect: error runtime
-- a request field "url\0x" is unknown, not url
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local r, err = preflight.http.request({ url = "http://127.0.0.1:1/", ["url\0x"] = 1 })
    return preflight.pass(tostring(r) .. tostring(err))
  end,
}
