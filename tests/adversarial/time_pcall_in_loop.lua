-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 200,
  run = function(ctx)
    while true do pcall(function() while true do end end) end
  end,
}
