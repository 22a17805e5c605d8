return {
  id = "mock.hit",
  title = "a fixture answers its request",
  run = function()
    local r, err = preflight.http.request{url = "https://api.exchange.test/v1/status"}
    if not r then return preflight.fail(err) end
    local d = preflight.json.decode(r.body)
    if r.status ~= 200 or d.status ~= "ok" or d.maintenance ~= false
      or r.headers["content-type"] ~= "application/json"
      or r.headers["x-ratelimit-remaining"] ~= "599" then
      return preflight.fail("got " .. r.status .. " " .. r.body)
    end
    return preflight.pass("exchange up")
  end,
}
