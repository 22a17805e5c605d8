-- expect: error runtime
-- method "GET\0X" is not GET
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local r, err = preflight.http.request({ url = "http://127.0.0.1:1/", method = "GET\0X" })
    return preflight.pass(tostring(r) .. tostring(err))
  end,
}
