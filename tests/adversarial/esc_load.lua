-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    load('return 1')()
    return preflight.pass('ok')
  end,
}
