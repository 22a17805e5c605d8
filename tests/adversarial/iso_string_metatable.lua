-- expect: fail
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    getmetatable('').__index = function() error('poisoned') end
    return preflight.fail('poisoned only my own state')
  end,
}
