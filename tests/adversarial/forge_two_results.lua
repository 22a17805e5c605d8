-- expect: error contract
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    return preflight.pass('a'), preflight.pass('b')
  end,
}
