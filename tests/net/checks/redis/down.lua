return {
  id = "redis.down",
  title = "a server that is down is unreachable",
  run = function()
    local ok, res = preflight.redis.ping(preflight.env.get("NET_REDIS_DOWN_URL"))
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("PONG")
    end
    return preflight.fail(res)
  end,
}
