-- expect: error runtime
-- the encoding "raw\0x" is not "raw": misuse, raised
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    return preflight.pass(preflight.crypto.sha512("m", "raw\0x"))
  end,
}
