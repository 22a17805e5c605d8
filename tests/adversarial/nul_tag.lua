-- expect: error contract
-- a tag with an embedded NUL must not be read as its prefix "infra"
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400, tags = { "infra\0x" },
  run = function(ctx)
    return preflight.pass('ok')
  end,
}
