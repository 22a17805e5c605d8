-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    preflight.env.get = function() return 'x' end
    return preflight.pass('ok')
  end,
}
