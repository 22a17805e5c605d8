-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    package.loadlib('libc.so.6', 'system')
    return preflight.pass('ok')
  end,
}
