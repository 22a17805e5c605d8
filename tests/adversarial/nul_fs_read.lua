-- expect: error runtime
-- "ok\0/../../etc/passwd" is not the path "ok": misuse, raised
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local text, err = preflight.fs.read("ok\0/../../etc/passwd")
    return preflight.pass(tostring(text) .. tostring(err))
  end,
}
