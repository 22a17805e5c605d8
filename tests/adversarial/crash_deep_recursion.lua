-- expect: error memory
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local function f() return 1 + f() end
    f()
    return preflight.pass('ok')
  end,
}
