return {
  id = "mock.rate-limited",
  title = "a fixture can answer 429 with rate-limit headers",
  run = function()
    local r, err = preflight.http.request{
      url = "https://api.exchange.test/v1/orders?market=KRW-BTC&state=wait"}
    if not r then return preflight.fail(err) end
    if r.status ~= 429 or r.headers["retry-after"] ~= "2"
      or r.headers["x-ratelimit-remaining"] ~= "0"
      or r.body ~= '{"error":"too many requests"}' then
      return preflight.fail("got " .. r.status .. " " .. r.body)
    end
    return preflight.pass("429")
  end,
}
