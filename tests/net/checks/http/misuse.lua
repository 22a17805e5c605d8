-- Every kind of misuse raises (caught here with pcall to see each message).
local function raises(t, pattern)
  local ok, err = pcall(preflight.http.request, t)
  if ok then return "did not raise: " .. pattern end
  if not tostring(err):find(pattern, 1, true) then return "raised " .. tostring(err) end
  return nil
end

return {
  id = "http.misuse",
  title = "misuse raises",
  run = function()
    local u = preflight.env.get("NET_HTTP") .. "/json"
    local cases = {
      {{}, "url must be a string"},
      {{url = u, method = "FETCH"}, "method must be one of"},
      {{url = u, method = "get"}, "method must be one of"},
      {{url = u, headers = {["X-A"] = 1}}, "headers must map strings to strings"},
      {{url = u, headers = {"x"}}, "headers must map strings to strings"},
      {{url = u, headers = {["Bad Name"] = "v"}}, "not a valid HTTP token"},
      {{url = u, headers = {["X-A\0B"] = "v"}}, "not a valid HTTP token"},
      {{url = u, headers = {["X-A"] = "a\0b"}}, "must be one line"},
      {{url = u, headers = {["X-A"] = "a\r\nX-B: b"}}, "must be one line"},
      {{url = u, timeout_ms = 0}, "timeout_ms must be a positive integer"},
      {{url = u, timeout_ms = 1.5}, "timeout_ms must be a positive integer"},
      {{url = u, body = 5}, "body must be a string"},
      {{url = u, timeout = 5}, "unknown field 'timeout'"},
      {{url = u, follow_redirects = "yes"}, "follow_redirects must be a boolean"},
      {{url = u, max_body_bytes = 17 * 1024 * 1024}, "max_body_bytes must be"},
      {{url = "file:///etc/passwd"}, "url must start with http:// or https://"},
      {{url = "http://a b/"}, "must not contain spaces"},
    }
    for _, c in ipairs(cases) do
      local bad = raises(c[1], c[2])
      if bad then return preflight.fail(bad) end
    end
    if pcall(preflight.http.request, "http://x/") then return preflight.fail("a string arg") end
    return preflight.pass(#cases .. " misuses raised")
  end,
}
