-- expect: fail
-- a flood of large log messages: the log keeps 64 messages and 16 KiB in
-- C memory and counts the rest, so the worker stays small and the check
-- ends as its own result (a fail), never a crash.
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local big = ("z"):rep(1 << 20)
    for _ = 1, 2000 do preflight.log(big) end
    return preflight.fail("logged")
  end,
}
