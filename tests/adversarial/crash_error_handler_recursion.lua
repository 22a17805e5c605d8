-- expect: error runtime
-- Lua 5.4.4 bug list: stack overflow while handling an error (a message
-- handler that raises again, recursively). Must end as an error of this
-- check, never a crash of the host.
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local function h(m) return xpcall(error, h, m) end
    xpcall(error, h, "boom")
    error("still here")
  end,
}
