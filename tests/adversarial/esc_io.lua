-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    io.open('/etc/passwd')
    return preflight.pass('ok')
  end,
}
