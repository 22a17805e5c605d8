-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 300,
  run = function(ctx)
    string.find(('a'):rep(200000), '.-b')
    string.find(('a'):rep(200000), '.-.-b')
    return preflight.pass('ok')
  end,
}
