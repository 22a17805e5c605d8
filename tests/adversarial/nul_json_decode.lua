-- expect: fail
-- '[1]\0junk' is not the JSON text '[1]': decode gives nil, err
return {
  id = "adv.x", title = "adversarial", timeout_ms = 400,
  run = function(ctx)
    local v, err = preflight.json.decode('[1]\0junk')
    if v ~= nil then return preflight.pass('decoded a cut text') end
    return preflight.fail(err)
  end,
}
