return {
  id = "redis.acl",
  title = "AUTH user password for an ACL user",
  run = function()
    local ok, res = preflight.redis.ping(preflight.env.get("NET_REDIS_ACL_URL"))
    if ok then
      if type(res) ~= "number" or res < 0 then
        return preflight.fail("latency " .. tostring(res))
      end
      return preflight.pass("PONG")
    end
    return preflight.fail(res)
  end,
}
