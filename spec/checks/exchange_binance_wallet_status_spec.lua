local pack = require("pack")

describe("checks/exchange_binance_wallet_status.lua", function()
  local file = "checks/exchange_binance_wallet_status.lua"
  for _, row in ipairs({
    { "skips (never passes) when binance is not in EXCHANGES", env = { EXCHANGES = "upbit" },
      status = "skip", message = "binance is not in EXCHANGES (upbit)" },
    { "passes with deposits and withdrawals open", status = "pass",
      message = "binance deposits and withdrawals open: BTC (BTC, BSC)" },
    { "fails when withdrawals are suspended", set = "wallet_suspended", status = "fail",
      message = "binance BTC withdrawals are suspended (withdrawAllEnable false)" },
    { "fails when deposits are suspended", set = "wallet_deposits_closed", status = "fail",
      message = "binance BTC deposits are suspended (depositAllEnable false)" },
    { "fails when no network is open both ways", set = "wallet_networks_closed",
      status = "fail", message = "binance BTC has no network open for both deposit and"
        .. " withdrawal (BTC withdrawals closed, BSC deposits closed)" },
    { "fails for a traded asset it does not list", env = { TRADE_ASSETS = "BTC,XRP" },
      status = "fail", message = "binance capital/config/getall does not list XRP" },
    { "fails a garbled answer (an object, not a list)", set = "garbled", status = "fail",
      message = "binance capital/config/getall is not a list" },
    { "fails when rate limited", set = "rate_limited", status = "fail",
      message = "binance rate limited: HTTP 429 on GET /sapi/v1/capital/config/getall,"
        .. " Retry-After 30 s" },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "binance unreachable: timeout after 2000 ms: GET"
        .. " https://api.binance.com/sapi/v1/capital/config/getall" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
