-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    loadstring('return 1')()
    return preflight.pass('ok')
  end,
}
