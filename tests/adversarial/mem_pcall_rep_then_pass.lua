-- expect: error memory
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    pcall(string.rep, 'x', 1e9)
    return preflight.pass('ok')
  end,
}
