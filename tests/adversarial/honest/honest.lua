-- The honest neighbour: runs in the same run as each adversarial check and
-- must still pass, using the string metatable and the globals a poisoned
-- state would have broken.
return {
  id = "adv.honest",
  title = "an honest check next door",
  run = function()
    local s = ("%d-%s"):format(42, ("x"):rep(3))
    if s ~= "42-xxx" or type(preflight.json.encode) ~= "function" then
      return preflight.fail("the environment was tampered with: " .. s)
    end
    return preflight.pass("unaffected")
  end,
}
