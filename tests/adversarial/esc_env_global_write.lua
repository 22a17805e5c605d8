-- expect: error contract
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    _G.preflight = nil
    return nil
  end,
}
