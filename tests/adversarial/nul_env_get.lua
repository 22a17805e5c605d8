-- expect: error runtime
-- env.get("HOME\0X") is not env.get("HOME"): misuse, raised
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local v = preflight.env.get("HOME\0X")
    return preflight.pass(tostring(v))
  end,
}
