-- Signed exchange requests and the arm-time window both need a sane UTC
-- clock; a host whose clock reads before 2025 is misconfigured.
local EARLIEST = 1735689600 -- 2025-01-01T00:00:00Z

return {
  id = "host.clock_sane",
  title = "The host's UTC clock is plausible",
  tags = { "host" },
  run = function()
    local now = preflight.clock.now()
    if now < EARLIEST then
      return preflight.fail("clock reads " .. preflight.clock.iso8601(now)
        .. ", before 2025-01-01; fix NTP before trading")
    end
    return preflight.pass("clock reads " .. preflight.clock.iso8601(math.floor(now)))
  end,
}
