-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 200,
  run = function(ctx)
    local function l() while true do end end
    xpcall(l, l)
    return preflight.pass('ok')
  end,
}
