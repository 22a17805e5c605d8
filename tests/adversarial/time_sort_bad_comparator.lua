-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 300,
  run = function(ctx)
    local t = {} for i = 1, 200000 do t[i] = i end
    while true do table.sort(t, function(a, b) return a > b end) end
  end,
}
