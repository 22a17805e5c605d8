-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    string.dump(function() end)
    return preflight.pass('ok')
  end,
}
