local pack = require("pack")

describe("checks/exchange_binance_health.lua", function()
  local file = "checks/exchange_binance_health.lua"
  for _, row in ipairs({
    { "passes when binance answers and BTCUSDT trades", status = "pass",
      message = "binance answers ping; BTCUSDT TRADING" },
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "fails on a malformed EXCHANGES", env = { EXCHANGES = "binance,kraken" }, status = "fail",
      message = 'EXCHANGES names unknown exchange "kraken" (known: binance, upbit)' },
    { "fails when the market is halted", set = "halted", status = "fail",
      message = "binance market BTCUSDT is BREAK, want TRADING" },
    { "fails when the symbol is delisted", set = "delisted", status = "fail",
      message = "binance GET /api/v3/exchangeInfo?symbol=BTCUSDT: HTTP 400: -1121 Invalid"
        .. " symbol." },
    { "fails on a 5xx", set = "server_error", status = "fail",
      message = "binance GET /api/v3/ping: HTTP 503: -1008 Server is currently overloaded"
        .. " with other requests. Please try again in a few minutes." },
    { "fails when rate limited", set = "rate_limited", status = "fail",
      message = "binance rate limited: HTTP 429 on GET /api/v3/ping, Retry-After 30 s" },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/api/v3/ping" },
    { "fails when the base URL override is not a"
      .. " URL", env = { BINANCE_BASE_URL = "api.binance.com" },
      status = "fail",
      message = 'BINANCE_BASE_URL must be a scheme and host like https://api.binance.com, got'
        .. ' "api.binance.com"' },
    { "refuses a base URL override in live mode", mode = "live",
      env = { BINANCE_BASE_URL = "http://127.0.0.1:9", LIVE_MAX_NOTIONAL_USD = "100" },
      status = "fail",
      message = "BINANCE_BASE_URL may not point elsewhere than https://api.binance.com in live"
        .. " mode" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
