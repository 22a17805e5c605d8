-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 200,
  run = function(ctx)
    pcall(function() while true do end end)
    return preflight.pass('ok')
  end,
}
