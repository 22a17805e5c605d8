-- expect: error runtime
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    os.execute('touch /tmp/pf_adv_escaped')
    return preflight.pass('ok')
  end,
}
