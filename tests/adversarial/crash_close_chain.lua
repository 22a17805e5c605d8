-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local function mk(n) if n == 0 then return nil end
      return setmetatable({}, { __close = function() local y <close> = mk(n - 1) end }) end
    do local x <close> = mk(100000) end
    return preflight.pass('ok')
  end,
}
