-- expect: error memory
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local s = 'x' while true do s = s .. s end
  end,
}
