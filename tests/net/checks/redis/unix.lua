return {
  id = "redis.unix",
  title = "PING over a unix socket",
  run = function()
    local ok, res = preflight.redis.ping(preflight.env.get("NET_REDIS_UNIX_URL"))
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("PONG")
    end
    return preflight.fail(res)
  end,
}
