-- expect: fail
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local t = {} local c = t for _ = 1, 100000 do c[1] = {} c = c[1] end
    local s, e = preflight.json.encode(t)
    if s then return preflight.pass('ok') end
    return preflight.fail(tostring(e))
  end,
}
