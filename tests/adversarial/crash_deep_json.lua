-- expect: fail
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local v, e = preflight.json.decode(('['):rep(200000))
    if v then return preflight.pass('ok') end
    return preflight.fail(tostring(e))
  end,
}
