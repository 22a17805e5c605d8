-- expect: fail
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    return preflight.fail(tostring(getmetatable(preflight)))
  end,
}
