return {
  id = "mock.body-file",
  title = "a fixture body can come from a file",
  run = function()
    local r, err = preflight.http.request{url = "https://api.exchange.test/v1/accounts"}
    if not r then return preflight.fail(err) end
    local d = preflight.json.decode(r.body)
    if d[1].currency ~= "KRW" or d[2].balance ~= "0.01" then return preflight.fail(r.body) end
    local r2, err2 = preflight.http.request{url = "https://api.exchange.test/v1/accounts",
                                            max_body_bytes = 16}
    if r2 or not err2:find("response body larger than 16 bytes", 1, true) then
      return preflight.fail("cap not applied to body_file: " .. tostring(err2))
    end
    return preflight.pass("balances read")
  end,
}
