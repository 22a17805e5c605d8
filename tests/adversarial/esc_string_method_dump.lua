-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local f = ('').dump
    f(print)
    return preflight.pass('ok')
  end,
}
