-- expect: error runtime
-- lib/evil_file.lua is a symlink to a module outside the library folder
-- (run.sh makes it): require must refuse it, not load what was not reviewed
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local m = require('evil_file')
    return preflight.pass(m.msg)
  end,
}
