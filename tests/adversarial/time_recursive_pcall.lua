-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 200,
  run = function(ctx)
    local function f() pcall(f) pcall(f) end
    while true do f() end
  end,
}
