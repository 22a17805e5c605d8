-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    require('/etc/passwd')
    return preflight.pass('ok')
  end,
}
