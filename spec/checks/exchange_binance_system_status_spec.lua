local pack = require("pack")

describe("checks/exchange_binance_system_status.lua", function()
  local file = "checks/exchange_binance_system_status.lua"
  for _, row in ipairs({
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes on status 0", status = "pass", message = "binance system status 0 (normal)" },
    { "fails in maintenance", set = "maintenance", status = "fail",
      message = "binance system status 1 (system_maintenance), want 0 (normal): wait for the"
        .. " maintenance to end" },
    { "fails a garbled answer", set = "garbled", status = "fail",
      match = "^binance GET /sapi/v1/system/status: the response is not JSON %(" },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "binance GET /sapi/v1/system/status: HTTP 503: -1008 Server is currently"
        .. " overloaded with other requests. Please try again in a few minutes." },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/sapi/v1/system/status" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
