-- expect: error runtime
-- Redis CVE-2024-46981 class: scripts steering the garbage collector.
-- collectgarbage is not in the sandbox.
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    collectgarbage("collect")
    return preflight.pass("ok")
  end,
}
