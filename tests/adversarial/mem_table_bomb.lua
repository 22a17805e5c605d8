-- expect: error memory
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local t = {} for i = 1, 1e9 do t[i] = i end
  end,
}
