-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    io.open('/etc/passwd')
    return preflight.pass('ok')
  end,
}
