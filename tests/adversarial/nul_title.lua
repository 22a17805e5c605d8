-- expect: error contract
-- a title with an embedded NUL is refused, not shown cut or altered
return {
  id = "adv.x", title = "adversarial\0hidden", timeout_ms = 400,
  run = function(ctx)
    return preflight.pass('ok')
  end,
}
