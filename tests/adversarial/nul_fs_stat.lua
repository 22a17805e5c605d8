-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local st, err = preflight.fs.stat(".\0/../../etc/passwd")
    return preflight.pass(tostring(st) .. tostring(err))
  end,
}
