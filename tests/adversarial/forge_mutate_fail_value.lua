-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local f = preflight.fail('x')
    f.status = 'pass'
    return f
  end,
}
