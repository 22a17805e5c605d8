-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 300,
  run = function(ctx)
    string.find(('a'):rep(5000), '.-.-.-.-x')
    return preflight.pass('ok')
  end,
}
