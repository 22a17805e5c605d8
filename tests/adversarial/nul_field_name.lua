-- expect: error contract
-- a field named "run\0x" is an unknown field, not "run"
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400, ["run\0x"] = 1,
  run = function(ctx)
    return preflight.pass('ok')
  end,
}
