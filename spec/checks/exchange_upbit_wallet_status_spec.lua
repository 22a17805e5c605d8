local pack = require("pack")

describe("checks/exchange_upbit_wallet_status.lua", function()
  local file = "checks/exchange_upbit_wallet_status.lua"
  for _, row in ipairs({
    { "skips (never passes) when upbit is not in EXCHANGES", env = { EXCHANGES = "binance" },
      status = "skip", message = "upbit is not in EXCHANGES (binance)" },
    { "passes with the wallet working and its block normal", status = "pass",
      message = "upbit wallets working, blocks normal: BTC (BTC)" },
    { "passes for every traded asset", env = { TRADE_ASSETS = "BTC,ETH" }, status = "pass",
      message = "upbit wallets working, blocks normal: BTC (BTC); ETH (ETH)" },
    { "fails a paused wallet", set = "wallet_suspended", status = "fail",
      message = "upbit BTC: BTC wallet paused, block inactive; want wallet working and block"
        .. " normal" },
    { "fails a withdraw-only wallet", set = "wallet_deposits_closed", status = "fail",
      message = "upbit BTC: BTC wallet withdraw_only, block normal; want wallet working and"
        .. " block normal" },
    { "fails a delayed block", set = "wallet_networks_closed", status = "fail",
      message = "upbit BTC: BTC wallet working, block delayed; want wallet working and block"
        .. " normal" },
    { "fails for a traded asset it does not list", env = { TRADE_ASSETS = "BTC,XRP" },
      status = "fail", message = "upbit /v1/status/wallet does not list XRP" },
    { "fails a garbled answer (HTML)", set = "garbled", status = "fail",
      match = "^upbit GET /v1/status/wallet: the response is not JSON %(" },
    { "fails on a 502", set = "server_error", status = "fail",
      message = "upbit GET /v1/status/wallet: HTTP 502" },
    { "fails on a timeout", set = "timeout", status = "fail",
      message = "upbit unreachable: timeout after 2000 ms: GET"
        .. " https://api.upbit.com/v1/status/wallet" },
  }) do
    it(row[1], function() pack.check(file, row) end)
  end
end)
