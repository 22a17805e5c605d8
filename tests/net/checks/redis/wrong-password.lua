return {
  id = "redis.wrong-password",
  title = "a wrong password is refused, masked",
  run = function()
    local ok, res = preflight.redis.ping(preflight.env.get("NET_REDIS_WRONG_URL"))
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("PONG")
    end
    return preflight.fail(res)
  end,
}
