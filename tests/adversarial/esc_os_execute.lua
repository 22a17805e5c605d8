-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    os.execute('touch /tmp/pf_adv_escaped')
    return preflight.pass('ok')
  end,
}
