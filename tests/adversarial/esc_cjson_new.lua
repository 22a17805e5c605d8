-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    preflight.json.new()
    return preflight.pass('ok')
  end,
}
