-- expect: error runtime
-- lib/fifo_mod.lua is a FIFO (run.sh makes it): require must refuse a
-- non-regular file at once, not block on it until the deadline
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local m = require('fifo_mod')
    return preflight.pass(tostring(m))
  end,
}
