return {
  id = "redis.silent",
  title = "a peer that never answers times out",
  run = function()
    local ok, res = preflight.redis.ping(preflight.env.get("NET_SILENT_REDIS_URL"), 300)
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("PONG")
    end
    return preflight.fail(res)
  end,
}
