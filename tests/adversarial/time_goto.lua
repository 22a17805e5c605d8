-- expect: error timeout
return {
  id = "adv.x", title = "adversarial", timeout_ms = 200,
  run = function(ctx)
    ::top:: goto top
  end,
}
