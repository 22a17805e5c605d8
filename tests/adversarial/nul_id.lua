-- expect: error contract
-- an id with an embedded NUL must not be read as its prefix "adv.x"
return {
  id = "adv.x\0../../x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    return preflight.pass('ok')
  end,
}
