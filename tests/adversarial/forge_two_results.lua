-- expect: error contract
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    return preflight.pass('a'), preflight.pass('b')
  end,
}
