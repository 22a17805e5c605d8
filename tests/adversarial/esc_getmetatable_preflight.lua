-- expect: fail
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    return preflight.fail(tostring(getmetatable(preflight)))
  end,
}
