-- expect: error runtime
-- a redis URL with an embedded NUL is misuse, not the URL before it
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local ok, err = preflight.redis.ping("redis://127.0.0.1:1\0@elsewhere", 100)
    return preflight.pass(tostring(ok) .. tostring(err))
  end,
}
