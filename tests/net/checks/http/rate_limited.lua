-- 429 with Retry-After and rate-limit headers.
return {
  id = "http.rate-limited",
  title = "a 429 carries its rate-limit headers",
  run = function()
    local r, err = preflight.http.request{url = preflight.env.get("NET_HTTP") .. "/ratelimited"}
    if not r then return preflight.fail("request failed: " .. err) end
    local h = r.headers
    if r.status ~= 429 or h["retry-after"] ~= "2" or h["x-ratelimit-limit"] ~= "600"
      or h["x-ratelimit-remaining"] ~= "0" or h["x-ratelimit-reset"] ~= "1767225600" then
      return preflight.fail("got " .. r.status .. " retry-after=" .. tostring(h["retry-after"]))
    end
    return preflight.pass("429 retry-after=2 remaining=0")
  end,
}
