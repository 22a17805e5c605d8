-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local v = preflight.env.has("PATH\0X")
    return preflight.pass(tostring(v))
  end,
}
