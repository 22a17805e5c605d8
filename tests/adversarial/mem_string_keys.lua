-- expect: error memory
return {
  id = "adv.x", title = "adversarial", timeout_ms = 5000,
  run = function(ctx)
    local t = {} local i = 0 while true do i = i + 1 t[('k'):rep(200) .. i] = i end
  end,
}
