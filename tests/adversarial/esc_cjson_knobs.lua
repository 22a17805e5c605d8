-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    preflight.json.decode_max_depth(100000)
    return preflight.pass('ok')
  end,
}
