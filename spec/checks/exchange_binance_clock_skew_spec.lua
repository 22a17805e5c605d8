local pack = require("pack")

describe("checks/exchange_binance_clock_skew.lua", function()
  local file = "checks/exchange_binance_clock_skew.lua"
  for _, row in ipairs({
    { "fails a loosened CLOCK_SKEW_MAX_MS in live mode", mode = "live",
      env = { CLOCK_SKEW_MAX_MS = "6000" }, status = "fail",
      message = "CLOCK_SKEW_MAX_MS=6000 is looser than live mode allows (at most 1000)" },
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes when /api/v3/time says now", status = "pass",
      match = "^binance clock is 0%.0 s [a-z ]+ this host's %(/api/v3/time%), within 1000 ms$" },
    -- the skew is measured: a busy machine may turn 5.0 s into 4.9 or 5.1
    { "fails when the server is 5 s ahead", set = "skewed_clock", status = "fail",
      match = "^binance clock is [45]%.%d s ahead of this host's %(/api/v3/time%), over the"
        .. " 1000 ms limit; fix NTP before trading$" },
    { "passes 5 s of skew under a raised limit", set = "skewed_clock",
      env = { CLOCK_SKEW_MAX_MS = "6000" }, status = "pass",
      match = "^binance clock is [45]%.%d s ahead of this host's %(/api/v3/time%),"
        .. " within 6000 ms$" },
    { "fails on a malformed limit", env = { CLOCK_SKEW_MAX_MS = "1s" }, status = "fail",
      message = 'CLOCK_SKEW_MAX_MS must be a whole number from 0 to 600000, got "1s"' },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/api/v3/time" },
    { "fails when rate limited", set = "rate_limited", status = "fail",
      message = "binance rate limited: HTTP 429 on GET /api/v3/time, Retry-After 30 s" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end

  it("puts the RUNBOOK's alert and kill thresholds beside the skew (KPI 7)", function()
    local c = pack.run(file, { set = "skewed_clock", phase = "guard",
                               env = { CLOCK_SKEW_MAX_MS = "6000" } })
    assert.equal("pass", c.status, c.message)
    assert.equal(250, c.details.skew_ms_alert_max)
    assert.equal(6000, c.details.skew_ms_kill_max)
    assert.is_true(c.details.alert)
    c = pack.run(file, { phase = "guard" })
    assert.is_false(c.details.alert)
  end)
end)
