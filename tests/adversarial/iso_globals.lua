-- expect: fail
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    rawset(_G, 'preflight_poison', true)
    string.format = nil
    return preflight.fail('poisoned only my own state')
  end,
}
