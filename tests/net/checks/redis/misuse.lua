return {
  id = "redis.misuse",
  title = "bad URLs are nil, err, 'url'; bad arguments raise",
  run = function()
    local urls = {
      {"http://127.0.0.1:6379", "URL must start with redis:// or unix://"},
      {"rediss://127.0.0.1:6379", "rediss:// (TLS) is not supported"},
      {"redis://127.0.0.1:99999", "port must be a number"},
      {"redis://127.0.0.1:6379/x", "database number"},
      {"redis://:p%zz@127.0.0.1:6379", "percent-encode"},
      {"unix://relative.sock", "absolute socket path"},
    }
    for _, c in ipairs(urls) do
      local ok, err, class = preflight.redis.ping(c[1])
      if ok ~= nil or class ~= "url" or not tostring(err):find(c[2], 1, true) then
        return preflight.fail(("%s gave %s, %s, %s"):format(c[1], tostring(ok),
          tostring(err), tostring(class)))
      end
    end
    local misuses = {
      {{"redis://127.0.0.1", 0}, "timeout_ms must be a positive integer"},
      {{nil}, "string expected"},
    }
    for _, c in ipairs(misuses) do
      local ok, err = pcall(preflight.redis.ping, c[1][1], c[1][2])
      if ok then return preflight.fail("did not raise: " .. tostring(c[1][1])) end
      if not tostring(err):find(c[2], 1, true) then
        return preflight.fail("raised " .. tostring(err))
      end
    end
    return preflight.pass(#urls .. " bad URLs refused, " .. #misuses .. " misuses raised")
  end,
}
