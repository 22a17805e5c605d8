-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    preflight.json.new()
    return preflight.pass('ok')
  end,
}
