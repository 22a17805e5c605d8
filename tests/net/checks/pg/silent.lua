return {
  id = "pg.silent",
  title = "a peer that never answers times out",
  run = function()
    local ok, res = preflight.db.ping(preflight.env.get("NET_SILENT_PG_URL"), 400)
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("SELECT 1")
    end
    return preflight.fail(res)
  end,
}
