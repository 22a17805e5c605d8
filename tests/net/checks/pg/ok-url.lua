return {
  id = "pg.ok-url",
  title = "a postgresql:// URL with the right password",
  run = function()
    local ok, res = preflight.db.ping(preflight.env.get("NET_PG_URL"))
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("SELECT 1")
    end
    return preflight.fail(res)
  end,
}
