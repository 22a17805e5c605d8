return {
  id = "redis.no-password",
  title = "a server that wants a password refuses PING",
  run = function()
    local ok, res = preflight.redis.ping(preflight.env.get("NET_REDIS_NOAUTH_URL"))
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("PONG")
    end
    return preflight.fail(res)
  end,
}
