-- expect: error runtime
-- pairs(preflight) hands out an iterator and the proxy, never the table
-- behind it: the state is the read-only proxy, so rawset raises.
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local _, state = pairs(preflight)
    rawset(state, "fail", preflight.pass)
    return preflight.fail("x")
  end,
}
