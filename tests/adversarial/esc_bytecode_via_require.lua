-- expect: error runtime
-- Redis CVE-2015-4335 class: running crafted bytecode. require loads
-- library files as text only, and module names cannot reach outside lib/.
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    require("..")
    return preflight.pass("ok")
  end,
}
