-- expect: error memory
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local t = {} while true do t = { t, t, t } end
  end,
}
