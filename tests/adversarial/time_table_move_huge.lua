-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 200,
  run = function(ctx)
    table.move({}, 1, 1 << 50, 2)
    return preflight.pass('ok')
  end,
}
