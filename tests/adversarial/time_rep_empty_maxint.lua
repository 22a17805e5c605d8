-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 200,
  run = function(ctx)
    string.rep('', math.maxinteger)
    return preflight.pass('ok')
  end,
}
