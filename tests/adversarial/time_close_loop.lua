-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 200,
  run = function(ctx)
    do
      local x <close> = setmetatable({}, { __close = function() while true do end end })
    end
    return preflight.pass('ok')
  end,
}
