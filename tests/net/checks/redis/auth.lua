return {
  id = "redis.auth",
  title = "AUTH with the right password, then SELECT 2",
  run = function()
    local ok, res = preflight.redis.ping(preflight.env.get("NET_REDIS_AUTH_URL"))
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("PONG")
    end
    return preflight.fail(res)
  end,
}
