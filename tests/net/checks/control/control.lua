-- Control for mock.no-network: in real mode the same URL reaches the
-- listener, proving the listener would have seen a mock-mode connection.
return {
  id = "control.real-reaches-trap",
  title = "real mode reaches the listener",
  run = function()
    local r, err = preflight.http.request{url = preflight.env.get("NET_TRAP_URL"),
                                         timeout_ms = 2000}
    return preflight.pass(r and ("status " .. r.status) or err)
  end,
}
