-- expect: error runtime
-- a details key with an embedded NUL is misuse
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    return preflight.pass('ok', { ["k\0x"] = 1 })
  end,
}
