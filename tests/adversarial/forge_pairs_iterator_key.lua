-- expect: fail
-- the iterator pairs(preflight.fs) returns walks the hidden table with a
-- key the check chooses: a bogus key raises, caught here; nothing the
-- iterator returns lets the check change what preflight.fail is.
return {
  id = "adv.x", title = "adversarial", timeout_ms = 3000,
  run = function(ctx)
    local next_name, state = pairs(preflight.fs)
    local ok = pcall(next_name, state, "no such key")
    for k, v in pairs(preflight) do
      if k == "fail" then
        pcall(rawset, v, "status", "pass")
      end
    end
    return preflight.fail("iterator with a bogus key raised: " .. tostring(not ok))
  end,
}
