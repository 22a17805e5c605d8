-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    rawset(preflight, 'fail', preflight.pass)
    return preflight.fail('x')
  end,
}
