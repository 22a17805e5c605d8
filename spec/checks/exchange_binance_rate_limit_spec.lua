local pack = require("pack")

describe("checks/exchange_binance_rate_limit.lua", function()
  local file = "checks/exchange_binance_rate_limit.lua"
  for _, row in ipairs({
    { "fails a loosened RATE_LIMIT_MIN_HEADROOM_PCT in live mode", mode = "live",
      env = { RATE_LIMIT_MIN_HEADROOM_PCT = "5" }, status = "fail",
      message = "RATE_LIMIT_MIN_HEADROOM_PCT=5 is looser than live mode allows (at least 20)" },
    { "takes a tightened RATE_LIMIT_MIN_HEADROOM_PCT in live mode", mode = "live",
      env = { RATE_LIMIT_MIN_HEADROOM_PCT = "50" }, status = "pass",
      message = "binance request weight 22 of 6000 per minute used: 99% headroom (minimum 50%)" },
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes with most of the weight free", status = "pass",
      message = "binance request weight 22 of 6000 per minute used: 99% headroom (minimum 20%)" },
    { "fails with little headroom", set = "low_headroom", status = "fail",
      message = "binance request weight 5400 of 6000 per minute used: 10% headroom < minimum 20%" },
    { "passes little headroom under a lowered minimum", set = "low_headroom",
      env = { RATE_LIMIT_MIN_HEADROOM_PCT = "5" }, status = "pass",
      message = "binance request weight 5400 of 6000 per minute used: 10% headroom (minimum 5%)" },
    { "fails on a 429 with Retry-After", set = "rate_limited", status = "fail",
      message = "binance rate limited: HTTP 429 on GET /api/v3/exchangeInfo?symbol=BTCUSDT,"
        .. " Retry-After 30 s" },
    { "fails on a malformed minimum", env = { RATE_LIMIT_MIN_HEADROOM_PCT = "120" },
      status = "fail",
      message = 'RATE_LIMIT_MIN_HEADROOM_PCT must be a plain decimal number from 0 to 100, got'
        .. ' "120"' },
    { "in a guard cycle little headroom is an alert, not a kill (KPI 6)", set = "low_headroom",
      phase = "guard", status = "pass",
      message = "binance request weight 5400 of 6000 per minute used: 10% headroom (alert below"
        .. " 30%)" },
    { "in a guard cycle a 429 still fails", set = "rate_limited", phase = "guard",
      status = "fail", message = "binance rate limited: HTTP 429 on GET"
        .. " /api/v3/exchangeInfo?symbol=BTCUSDT, Retry-After 30 s" },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "binance GET /api/v3/exchangeInfo?symbol=BTCUSDT: HTTP 503: -1008 Server is"
        .. " currently overloaded with other requests. Please try again in a few minutes." },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end

  it("puts the RUNBOOK's alert threshold beside the headroom (KPI 6)", function()
    local c = pack.run(file, { set = "low_headroom", phase = "guard" })
    assert.same({ used = 5400, limit = 6000, headroom_pct = 10, headroom_pct_alert_min = 30,
                  alert = true }, c.details)
  end)
end)
