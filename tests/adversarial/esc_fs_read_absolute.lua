-- expect: fail
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local s, e = preflight.fs.read('/etc/passwd')
    if s then return preflight.pass('ok') end
    return preflight.fail(e)
  end,
}
