-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 300,
  run = function(ctx)
    string.gsub(('a'):rep(3000), '.-.-.-x', '')
    return preflight.pass('ok')
  end,
}
