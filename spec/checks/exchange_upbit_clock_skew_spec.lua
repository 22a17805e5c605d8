local pack = require("pack")

describe("checks/exchange_upbit_clock_skew.lua", function()
  local file = "checks/exchange_upbit_clock_skew.lua"
  for _, row in ipairs({
    { "fails a loosened CLOCK_SKEW_MAX_MS in live mode", mode = "live",
      env = { CLOCK_SKEW_MAX_MS = "1001" }, status = "fail",
      message = "CLOCK_SKEW_MAX_MS=1001 is looser than live mode allows (at most 1000)" },
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    -- the Date header has whole seconds: the estimate is within 0.5 s
    { "passes when the Date header says now", status = "pass",
      match = "^upbit clock is 0%.[0-5] s [a-z ]+ this host's %(Date header, %+/%- 0%.5 s%),"
        .. " within 1000 ms$" },
    { "fails when the server is 5 s ahead", set = "skewed_clock", status = "fail",
      match = "^upbit clock is [45]%.%d s ahead of this host's %(Date header, %+/%- 0%.5 s%),"
        .. " over the 1000 ms limit; fix NTP before trading$" },
    { "fails when the market is delisted", set = "delisted", status = "fail",
      message = "upbit GET /v1/ticker?markets=KRW-BTC: HTTP 404: 404: Code not found" },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "upbit unreachable: timeout after 2000 ms: "
        .. "GET https://api.upbit.com/v1/ticker?markets=KRW-BTC" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
