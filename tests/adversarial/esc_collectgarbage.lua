-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    collectgarbage('stop')
    return preflight.pass('ok')
  end,
}
