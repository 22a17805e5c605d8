-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    error(setmetatable({}, { __tostring = function() while true do end end }))
  end,
}
