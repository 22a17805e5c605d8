-- expect: error runtime
-- lib/evil_dir is a symlink to a folder outside the library folder (run.sh
-- makes it): every component of a module's path must be a real folder
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local m = require('evil_dir.evil')
    return preflight.pass(m.msg)
  end,
}
