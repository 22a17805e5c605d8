-- expect: error memory
return {
  id = "adv.x", title = "adversarial", timeout_ms = 5000,
  run = function(ctx)
    local t, k = {}, ('k'):rep(2000) local i = 0 while true do i = i + 1 t[k .. i] = i end
  end,
}
