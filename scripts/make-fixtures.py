#!/usr/bin/env python3
"""make-fixtures.py: write the HTTP fixture sets of the D98 check pack.

checks/fixtures/*.json is the healthy set (the default of `preflight run`
in paper mode); each folder checks/fixtures/<set>/ is a complete copy with
the changes that simulate one degraded world, for
`preflight run checks/ --fixtures checks/fixtures/<set>`. The responses
mirror the shapes of the real Binance spot and Upbit REST APIs, trimmed to
the fields the checks read plus their neighbours.

Run it after changing a response here; it rewrites every fixture file and
removes none by hand-made name:

    python3 scripts/make-fixtures.py
"""
import copy
import json
import os
import shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "checks", "fixtures")
BN = "https://api.binance.com"
UP = "https://api.upbit.com"
SIGNED = ["timestamp", "signature"]
JSON_CT = "application/json;charset=UTF-8"


def bn_headers(weight):
    return {"Content-Type": JSON_CT, "Date": "{{now_http}}",
            "X-MBX-USED-WEIGHT": str(weight),
            "X-MBX-USED-WEIGHT-1M": str(weight)}


def up_headers(group, sec, minute=None):
    return {"Content-Type": JSON_CT, "Date": "{{now_http}}",
            "Remaining-Req": "group=%s; min=%d; sec=%d" % (
                group, minute if minute is not None else sec * 60, sec)}


def ok(url, body, headers, desc, ignore=None):
    req = {"method": "GET", "url": url}
    if ignore:
        req["ignore_query"] = ignore
    return {"description": desc, "request": req,
            "response": {"status": 200, "template": True, "headers": headers,
                         "body": body}}


def req(method, url, status, body, headers, desc, ignore=None):
    fx = ok(url, body, headers, desc, ignore)
    fx["request"]["method"] = method
    fx["response"]["status"] = status
    return fx


# Documentation pages the order fixtures are modeled on (cited in each
# fixture's description).
BN_DOC = "https://developers.binance.com/docs/binance-spot-api-docs"
BN_ORDER_TEST_DOC = BN_DOC + "/rest-api/trading-endpoints#test-new-order-trade"
BN_FILTERS_DOC = BN_DOC + "/filters"
BN_ERRORS_DOC = BN_DOC + "/errors"
UP_CHANCE_DOC = ("https://docs.upbit.com/reference/"
                 "%EC%A3%BC%EB%AC%B8-%EA%B0%80%EB%8A%A5-%EC%A0%95%EB%B3%B4")
UP_ORDER_TEST_DOC = "https://docs.upbit.com/kr/reference/order-test"
UP_ERRORS_DOC = "https://docs.upbit.com/kr/v1.6.4/reference/rest-api-guide"
UP_TICKER_DOC = ("https://docs.upbit.com/kr/reference/"
                 "%ED%98%84%EC%9E%AC%EA%B0%80ticker")

# The planned order of examples/paper.env (PLANNED_NOTIONAL_USD=100,
# EXCHANGES=binance,upbit): BTCUSDT 0.00103 @ 97000.00 on Binance (BUY;
# SELL when Binance trades alone), KRW-BTC 0.00101398 @ 143000000 on
# Upbit (100 USD = 145000 KRW at KRW-USDT 1450).
BN_ORDER = ("/api/v3/order/test?symbol=BTCUSDT&side=%s&type=LIMIT"
            "&timeInForce=GTC&quantity=0.00103&price=97000.00&recvWindow=5000")
UP_VOLUME = "0.00101398"


def up_chance(min_total="5000", state="active"):
    acct = {"avg_buy_price_modified": False, "unit_currency": "KRW",
            "locked": "0"}
    return {"bid_fee": "0.0005", "ask_fee": "0.0005",
            "maker_bid_fee": "0.0005", "maker_ask_fee": "0.0005",
            "market": {
                "id": "KRW-BTC", "name": "BTC/KRW",
                "order_types": ["limit"], "order_sides": ["ask", "bid"],
                "bid_types": ["best_fok", "best_ioc", "limit", "limit_fok",
                              "limit_ioc", "price"],
                "ask_types": ["best_fok", "best_ioc", "limit", "limit_fok",
                              "limit_ioc", "market"],
                "bid": {"currency": "KRW", "min_total": min_total},
                "ask": {"currency": "KRW", "min_total": min_total},
                "max_total": "1000000000", "state": state},
            "bid_account": dict(acct, currency="KRW", balance="2000000.0",
                                avg_buy_price="0"),
            "ask_account": dict(acct, currency="BTC", balance="0.002",
                                avg_buy_price="141000000")}


def up_test_order(side):
    return {"uuid": "cdd92199-2897-4e14-9448-f923320408ad", "side": side,
            "ord_type": "limit", "price": "143000000", "state": "wait",
            "market": "KRW-BTC", "created_at": "2026-11-27T12:23:00+09:00",
            "volume": UP_VOLUME, "remaining_volume": UP_VOLUME,
            "reserved_fee": "0", "remaining_fee": "0", "paid_fee": "0",
            "locked": UP_VOLUME, "prevented_volume": "0",
            "prevented_locked": "0", "executed_volume": "0",
            "trades_count": 0}


BTCUSDT = {
    "symbol": "BTCUSDT", "status": "TRADING", "baseAsset": "BTC",
    "baseAssetPrecision": 8, "quoteAsset": "USDT", "quotePrecision": 8,
    "quoteAssetPrecision": 8, "orderTypes": [
        "LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT",
        "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
    "icebergAllowed": True, "ocoAllowed": True, "otoAllowed": True,
    "quoteOrderQtyMarketAllowed": True, "allowTrailingStop": True,
    "cancelReplaceAllowed": True, "isSpotTradingAllowed": True,
    "isMarginTradingAllowed": True,
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "0.01000000",
         "maxPrice": "1000000.00000000", "tickSize": "0.01000000"},
        {"filterType": "LOT_SIZE", "minQty": "0.00001000",
         "maxQty": "9000.00000000", "stepSize": "0.00001000"},
        {"filterType": "NOTIONAL", "minNotional": "5.00000000",
         "applyMinToMarket": True, "maxNotional": "9000000.00000000",
         "applyMaxToMarket": False, "avgPriceMins": 5}],
    "permissions": [], "permissionSets": [["SPOT", "MARGIN"]],
    "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
    "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER",
                                        "EXPIRE_BOTH"],
}

EXCHANGE_INFO = {
    "timezone": "UTC", "serverTime": 1764213780000,
    "rateLimits": [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE",
         "intervalNum": 1, "limit": 6000},
        {"rateLimitType": "ORDERS", "interval": "SECOND",
         "intervalNum": 10, "limit": 100},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1,
         "limit": 200000},
        {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE",
         "intervalNum": 5, "limit": 61000}],
    "exchangeFilters": [], "symbols": [BTCUSDT],
}


def bn_account(balances):
    return {"makerCommission": 10, "takerCommission": 10,
            "buyerCommission": 0, "sellerCommission": 0,
            "commissionRates": {"maker": "0.00100000", "taker": "0.00100000",
                                "buyer": "0.00000000",
                                "seller": "0.00000000"},
            "canTrade": True, "canWithdraw": False, "canDeposit": True,
            "brokered": False, "requireSelfTradePrevention": False,
            "preventSor": False, "updateTime": 1764213000000,
            "accountType": "SPOT",
            "balances": [{"asset": a, "free": f, "locked": l}
                         for a, f, l in balances],
            "permissions": ["SPOT"], "uid": 354937868}


def bn_order(oid, side, qty, price):
    return {"symbol": "BTCUSDT", "orderId": oid, "orderListId": -1,
            "clientOrderId": "arb-%d" % oid, "price": price,
            "origQty": qty, "executedQty": "0.00000000",
            "cummulativeQuoteQty": "0.00000000", "status": "NEW",
            "timeInForce": "GTC", "type": "LIMIT", "side": side,
            "stopPrice": "0.00000000", "icebergQty": "0.00000000",
            "time": 1764213000000, "updateTime": 1764213000000,
            "isWorking": True, "workingTime": 1764213000000,
            "origQuoteOrderQty": "0.00000000",
            "selfTradePreventionMode": "EXPIRE_MAKER"}


def up_market(market, kor, eng, warning=False):
    return {"market": market, "korean_name": kor, "english_name": eng,
            "market_event": {"warning": warning, "caution": {
                "PRICE_FLUCTUATIONS": False,
                "TRADING_VOLUME_SOARING": False,
                "DEPOSIT_AMOUNT_SOARING": False,
                "GLOBAL_PRICE_DIFFERENCES": False,
                "CONCENTRATION_OF_SMALL_ACCOUNTS": False}}}


def up_ticker(market, price):
    return {"market": market, "trade_date": "20261127",
            "trade_time": "032300", "trade_date_kst": "20261127",
            "trade_time_kst": "122300", "trade_timestamp": 1764213780000,
            "opening_price": price, "high_price": price, "low_price": price,
            "trade_price": price, "prev_closing_price": price,
            "change": "EVEN", "change_price": 0.0, "change_rate": 0.0,
            "signed_change_price": 0.0, "signed_change_rate": 0.0,
            "trade_volume": 0.0042, "acc_trade_price": 1.0e11,
            "acc_trade_price_24h": 2.0e11, "acc_trade_volume": 700.0,
            "acc_trade_volume_24h": 1400.0, "highest_52_week_price": price,
            "highest_52_week_date": "2026-10-06",
            "lowest_52_week_price": price / 2,
            "lowest_52_week_date": "2026-01-10",
            "timestamp": 1764213780123}


def up_account(cur, bal, locked="0", avg="0"):
    return {"currency": cur, "balance": bal, "locked": locked,
            "avg_buy_price": avg, "avg_buy_price_modified": False,
            "unit_currency": "KRW"}


def up_order(uuid, side, volume, price):
    return {"uuid": uuid, "side": side, "ord_type": "limit", "price": price,
            "state": "wait", "market": "KRW-BTC",
            "created_at": "2026-11-27T12:20:00+09:00", "volume": volume,
            "remaining_volume": volume, "reserved_fee": "0",
            "remaining_fee": "0", "paid_fee": "0", "locked": "0",
            "executed_volume": "0", "trades_count": 0}


# Issue 18, part A: the account-safety endpoints (key rights and expiry,
# system and wallet status). Each description cites the exchange's page.
DOC_BN_KEY = ("https://developers.binance.com/docs/wallet/account/"
              "api-key-permission")
DOC_BN_STATUS = ("https://developers.binance.com/docs/wallet/others/"
                 "system-status")
DOC_BN_COINS = ("https://developers.binance.com/docs/wallet/capital/"
                "all-coins-info")
DOC_UP_KEYS = "https://docs.upbit.com/kr/reference/list-api-keys"
DOC_UP_WALLET = "https://docs-e.upbit.com/reference/wallet-status"
DOC_UP_OPEN = "https://docs-e.upbit.com/reference/query-open-orders"
# examples/paper.env's fake UPBIT_ACCESS_KEY: the key in use in the demo
UP_KEY_IN_USE = "paper-fake-upbit-access-key-00000000000000"
UP_KEY_OTHER = "paper-fake-upbit-other-key-111111111111111"
DAY_MS = 86400000


def sapi_headers(weight):
    return {"Content-Type": JSON_CT, "Date": "{{now_http}}",
            "X-SAPI-USED-IP-WEIGHT-1M": str(weight)}


def templated(doc, subst):
    """doc as JSON text with each quoted sentinel replaced by a bare
    template placeholder (a number placeholder must not be quoted)."""
    text = json.dumps(doc, ensure_ascii=False)
    for k, v in subst.items():
        text = text.replace('"%s"' % k, v)
    return text


def bn_key(ip=True, withdrawals=False, trading=True, expires=None):
    doc = {"ipRestrict": ip, "createTime": 1764213000000,
           "enableReading": True, "enableWithdrawals": withdrawals,
           "enableInternalTransfer": False, "enableMargin": False,
           "enableFutures": False, "permitsUniversalTransfer": False,
           "enableVanillaOptions": False, "enableFixApiTrade": False,
           "enableFixReadOnly": False, "enableSpotAndMarginTrading": trading,
           "enablePortfolioMarginTrading": False}
    if expires is None:
        return doc
    doc["tradingAuthorityExpirationTime"] = "__EXP__"
    return templated(doc, {"__EXP__": "{{now_ms%s}}" % expires})


def bn_network(coin, network, name, default, dep=True, wd=True):
    n = {"network": network, "coin": coin, "withdrawIntegerMultiple":
         "0.00000001", "isDefault": default, "depositEnable": dep,
         "withdrawEnable": wd, "depositDesc": "" if dep else
         "Wallet Maintenance, Deposit Suspended",
         "withdrawDesc": "" if wd else
         "Wallet Maintenance, Withdrawal Suspended",
         "specialTips": "", "specialWithdrawTips": "", "name": name,
         "resetAddressStatus": False, "addressRegex": "^.+$",
         "memoRegex": "", "withdrawFee": "0.0002", "withdrawMin": "0.001",
         "withdrawMax": "9999999999", "withdrawInternalMin": "0.00000001",
         "depositDust": "0.00000001", "minConfirm": 1, "unLockConfirm": 2,
         "sameAddress": False, "withdrawTag": False,
         "estimatedArrivalTime": 25, "busy": False,
         "contractAddressUrl": "", "contractAddress": ""}
    return n


def bn_coin(coin, name, free, networks, dep=True, wd=True):
    return {"coin": coin, "depositAllEnable": dep, "withdrawAllEnable": wd,
            "name": name, "free": free, "locked": "0", "freeze": "0",
            "withdrawing": "0", "ipoing": "0", "ipoable": "0",
            "storage": "0", "isLegalMoney": False, "trading": True,
            "networkList": networks}


def bn_coins(btc_dep=True, btc_wd=True, btc_nets=None):
    nets = btc_nets or [
        bn_network("BTC", "BTC", "Bitcoin", True),
        bn_network("BTC", "BSC", "BNB Smart Chain (BEP20)", False)]
    return [bn_coin("BTC", "Bitcoin", "0.001", nets, btc_dep, btc_wd),
            bn_coin("USDT", "TetherUS", "1500", [
                bn_network("USDT", "ETH", "Ethereum (ERC20)", False),
                bn_network("USDT", "TRX", "Tron (TRC20)", True)])]


def up_keys(keys):
    """keys: (access_key, placeholder or literal date) pairs."""
    doc, subst = [], {}
    for i, (key, at) in enumerate(keys):
        if at.startswith("{{"):
            subst["__AT%d__" % i] = '"%s"' % at
            at = "__AT%d__" % i
        doc.append({"access_key": key, "expire_at": at})
    return templated(doc, subst)


def up_wallet(cur, net, name, state="working", block="normal", height=0):
    return {"currency": cur, "wallet_state": state, "block_state": block,
            "block_height": height,
            "block_updated_at": "2026-11-27T03:20:11.000+00:00",
            "block_elapsed_minutes": 3, "net_type": net,
            "network_name": name}


def up_wallets(btc_state="working", btc_block="normal"):
    return [up_wallet("BTC", "BTC", "Bitcoin", btc_state, btc_block, 925000),
            up_wallet("ETH", "ETH", "Ethereum", height=23800000),
            up_wallet("USDT", "TRX", "Tron", height=77800000)]


def up_open_orders_url(state):
    return UP + "/v1/orders/open?state=%s&page=1&limit=100" % state


def account_fixtures():
    f = {}
    f["binance_api_restrictions"] = ok(
        BN + "/sapi/v1/account/apiRestrictions?recvWindow=5000", bn_key(),
        sapi_headers(1), "binance (signed): API key trades spot, cannot "
        "withdraw, IP allow-list on, no trading expiry; " + DOC_BN_KEY,
        SIGNED)
    f["binance_system_status"] = ok(
        BN + "/sapi/v1/system/status", {"status": 0, "msg": "normal"},
        sapi_headers(1), "binance: system status normal; " + DOC_BN_STATUS)
    f["binance_capital_config"] = ok(
        BN + "/sapi/v1/capital/config/getall?recvWindow=5000", bn_coins(),
        sapi_headers(10), "binance (signed): BTC and USDT deposits and "
        "withdrawals open; " + DOC_BN_COINS, SIGNED)
    f["upbit_api_keys"] = ok(
        UP + "/v1/api_keys",
        up_keys([(UP_KEY_IN_USE, "{{now_iso+%d}}" % (200 * DAY_MS)),
                 (UP_KEY_OTHER, "{{now_iso+%d}}" % (5 * DAY_MS))]),
        up_headers("default", 27, 1797), "upbit (JWT): the key in use "
        "expires in 200 days, another in 5; " + DOC_UP_KEYS)
    f["upbit_status_wallet"] = ok(
        UP + "/v1/status/wallet", up_wallets(),
        up_headers("default", 26, 1796), "upbit (JWT): BTC, ETH and USDT "
        "wallets working, blocks normal; " + DOC_UP_WALLET)
    f["upbit_orders_open_wait"] = ok(
        up_open_orders_url("wait"), [], up_headers("default", 28, 1798),
        "upbit (JWT): no waiting orders; " + DOC_UP_OPEN)
    f["upbit_orders_open_watch"] = ok(
        up_open_orders_url("watch"), [], up_headers("default", 28, 1798),
        "upbit (JWT): no reserved orders; " + DOC_UP_OPEN)
    return f


def healthy():
    f = {}
    f["binance_ping"] = ok(BN + "/api/v3/ping", {}, bn_headers(1),
                           "binance: test connectivity")
    f["binance_time"] = ok(BN + "/api/v3/time", '{"serverTime":{{now_ms}}}',
                           bn_headers(2), "binance: server time, now")
    f["binance_exchange_info_btcusdt"] = ok(
        BN + "/api/v3/exchangeInfo?symbol=BTCUSDT", EXCHANGE_INFO,
        bn_headers(22), "binance: BTCUSDT is TRADING; weight 22 of 6000")
    f["binance_ticker_price_btcusdt"] = ok(
        BN + "/api/v3/ticker/price?symbol=BTCUSDT",
        {"symbol": "BTCUSDT", "price": "97000.00000000"}, bn_headers(24),
        "binance: BTCUSDT last price")
    f["binance_open_orders"] = ok(
        BN + "/api/v3/openOrders?recvWindow=5000", [], bn_headers(30),
        "binance (signed): no open orders", SIGNED)
    f["binance_account"] = ok(
        BN + "/api/v3/account?omitZeroBalances=true&recvWindow=5000",
        bn_account([("BTC", "0.00200000", "0.00000000"),
                    ("USDT", "1500.00000000", "0.00000000")]),
        bn_headers(50), "binance (signed): 0.002 BTC, 1500 USDT free",
        SIGNED)
    f["upbit_market_all"] = ok(
        UP + "/v1/market/all?isDetails=true",
        [up_market("KRW-BTC", "비트코인", "Bitcoin"),
         up_market("KRW-ETH", "이더리움", "Ethereum"),
         up_market("KRW-USDT", "테더", "Tether"),
         up_market("BTC-ETH", "이더리움", "Ethereum")],
        up_headers("market", 9), "upbit: markets, KRW-BTC listed")
    f["upbit_ticker_krw_btc"] = ok(
        UP + "/v1/ticker?markets=KRW-BTC",
        [up_ticker("KRW-BTC", 143000000.0)], up_headers("ticker", 9),
        "upbit: KRW-BTC ticker; its Date header is the server clock")
    f["upbit_ticker_krw_usdt"] = ok(
        UP + "/v1/ticker?markets=KRW-USDT",
        [up_ticker("KRW-USDT", 1450.0)], up_headers("ticker", 9),
        "upbit: KRW-USDT ticker, the KRW to USD rate")
    f["upbit_accounts"] = ok(
        UP + "/v1/accounts",
        [up_account("KRW", "2000000.0"),
         up_account("BTC", "0.002", avg="141000000")],
        up_headers("default", 29, 1799),
        "upbit (JWT): 2,000,000 KRW and 0.002 BTC")
    f.update(account_fixtures())
    for side, weight in (("BUY", 51), ("SELL", 52)):
        f["binance_order_test_" + side.lower()] = req(
            "POST", BN + BN_ORDER % side, 200, {}, bn_headers(weight),
            "binance (signed): the planned %s order passes the dry run; "
            "%s" % (side, BN_ORDER_TEST_DOC), SIGNED)
    f["upbit_orders_chance_krw_btc"] = ok(
        UP + "/v1/orders/chance?market=KRW-BTC", up_chance(),
        up_headers("default", 27, 1797),
        "upbit (JWT): KRW-BTC active, min_total 5000 KRW; " + UP_CHANCE_DOC)
    f["upbit_orders_test"] = req(
        "POST", UP + "/v1/orders/test", 201, up_test_order("ask"),
        up_headers("order-test", 7, 419),
        "upbit (JWT): the planned ask passes the dry run; " +
        UP_ORDER_TEST_DOC)
    return f


def error(status, body, headers=None):
    r = {"status": status}
    if headers:
        r["headers"] = headers
    if body is not None:
        r["body"] = body
    return r


def degrade(name, desc, fn):
    f = copy.deepcopy(healthy())
    fn(f)
    return name, desc, f


def rate_limited(f):
    for k, v in f.items():
        if k.startswith("binance"):
            v["response"] = error(429, {
                "code": -1003,
                "msg": "Too many requests; current limit of IP(203.0.113.7) "
                       "request weight is 6000 request weight per 1 MINUTE. "
                       "Please use WebSocket Streams for live updates to "
                       "avoid bans."},
                {"Content-Type": JSON_CT, "Retry-After": "30",
                 "X-MBX-USED-WEIGHT-1M": "6012"})
        else:
            v["response"] = error(429, {"error": {
                "name": "too_many_requests",
                "message": "Too many API requests."}},
                {"Content-Type": JSON_CT, "Retry-After": "1",
                 "Remaining-Req": "group=default; min=0; sec=0"})
        v["description"] += " (rate limited: 429)"


def low_headroom(f):
    f["binance_exchange_info_btcusdt"]["response"]["headers"] = \
        bn_headers(5400)
    f["upbit_accounts"]["response"]["headers"] = up_headers("default", 3, 120)
    for k in ("binance_exchange_info_btcusdt", "upbit_accounts"):
        f[k]["description"] += " (little rate-limit headroom left)"


def server_error(f):
    for k, v in f.items():
        if k.startswith("binance"):
            v["response"] = error(503, {
                "code": -1008,
                "msg": "Server is currently overloaded with other requests. "
                       "Please try again in a few minutes."},
                {"Content-Type": JSON_CT})
        else:
            v["response"] = error(
                502, "<html><head><title>502 Bad Gateway</title></head>"
                     "<body><center><h1>502 Bad Gateway</h1></center>"
                     "</body></html>", {"Content-Type": "text/html"})
        v["description"] += " (server error)"


def timeout(f):
    for v in f.values():
        del v["response"]
        v["error"] = "timeout"
        v["description"] += " (no answer)"


def skewed_clock(f):
    for k, v in f.items():
        v["response"]["headers"]["Date"] = "{{now_http+5000}}"
    f["binance_time"]["response"]["body"] = '{"serverTime":{{now_ms+5000}}}'
    for k in ("binance_open_orders", "binance_account",
              "binance_order_test_buy", "binance_order_test_sell"):
        f[k]["response"] = error(400, {
            "code": -1021,
            "msg": "Timestamp for this request was 1000ms ahead of the "
                   "server's time."}, {"Content-Type": JSON_CT})
    for v in f.values():
        v["description"] += " (server clock 5 s ahead)"


def open_orders(f):
    f["binance_open_orders"]["response"]["body"] = [
        bn_order(28457, "BUY", "0.00100000", "95000.00000000"),
        bn_order(28458, "SELL", "0.00100000", "99000.00000000")]
    f["upbit_orders_open_wait"]["response"]["body"] = [
        up_order("9ca023a5-851b-4fec-9f0a-48cd83c2eaae", "bid", "0.0005",
                 "140000000")]
    watch = up_order("0b2a6f0e-3c1d-4e59-8f7a-5d4c3b2a1908", "ask", "0.0005",
                     "150000000")
    watch["state"] = "watch"
    f["upbit_orders_open_watch"]["response"]["body"] = [watch]
    f["binance_open_orders"]["description"] = \
        "binance (signed): two stray open orders"
    f["upbit_orders_open_wait"]["description"] = \
        "upbit (JWT): a stray bid; " + DOC_UP_OPEN
    f["upbit_orders_open_watch"]["description"] = \
        "upbit (JWT): a stray reserved ask; " + DOC_UP_OPEN


def over_cap(f):
    f["binance_account"]["response"]["body"] = bn_account([
        ("BTC", "0.00950000", "0.00050000"),
        ("USDT", "1500.00000000", "0.00000000")])
    f["upbit_accounts"]["response"]["body"] = [
        up_account("KRW", "2000000.0"),
        up_account("BTC", "0.01", avg="141000000")]
    f["binance_account"]["description"] = \
        "binance (signed): 0.01 BTC held, worth 970 USD"
    f["upbit_accounts"]["description"] = \
        "upbit (JWT): 0.01 BTC held, worth 1,430,000 KRW"


def low_balance(f):
    f["binance_account"]["response"]["body"] = bn_account([
        ("BTC", "0.00100000", "0.00000000"),
        ("USDT", "42.50000000", "0.00000000")])
    f["upbit_accounts"]["response"]["body"] = [
        up_account("KRW", "50000.0"),
        up_account("BTC", "0.0005", avg="141000000")]
    f["binance_account"]["description"] = "binance (signed): 42.5 USDT free"
    f["upbit_accounts"]["description"] = \
        "upbit (JWT): 50,000 KRW and 0.0005 BTC (49.31 USD) free"


def delisted(f):
    invalid = error(400, {"code": -1121, "msg": "Invalid symbol."},
                    {"Content-Type": JSON_CT})
    f["binance_exchange_info_btcusdt"]["response"] = copy.deepcopy(invalid)
    f["binance_ticker_price_btcusdt"]["response"] = copy.deepcopy(invalid)
    f["upbit_market_all"]["response"]["body"] = [
        m for m in f["upbit_market_all"]["response"]["body"]
        if m["market"] != "KRW-BTC"]
    f["upbit_ticker_krw_btc"]["response"] = error(
        404, {"error": {"name": "404", "message": "Code not found"}},
        {"Content-Type": JSON_CT})
    for k in ("binance_exchange_info_btcusdt", "binance_ticker_price_btcusdt",
              "upbit_market_all", "upbit_ticker_krw_btc"):
        f[k]["description"] += " (BTC market delisted)"


def halted(f):
    info = f["binance_exchange_info_btcusdt"]["response"]["body"]
    info["symbols"][0]["status"] = "BREAK"
    for m in f["upbit_market_all"]["response"]["body"]:
        if m["market"] == "KRW-BTC":
            m["market_event"]["warning"] = True
    f["binance_exchange_info_btcusdt"]["description"] = \
        "binance: BTCUSDT is in BREAK (trading halted)"
    f["upbit_market_all"]["description"] = \
        "upbit: KRW-BTC under an investment warning"


def set_body(f, name, body, desc):
    f[name]["response"]["body"] = body
    f[name]["description"] = desc


def key_withdrawals(f):
    set_body(f, "binance_api_restrictions", bn_key(withdrawals=True),
             "binance (signed): API key may withdraw; " + DOC_BN_KEY)


def key_no_ip(f):
    set_body(f, "binance_api_restrictions", bn_key(ip=False),
             "binance (signed): API key without an IP allow-list; "
             + DOC_BN_KEY)


def key_no_trading(f):
    set_body(f, "binance_api_restrictions", bn_key(trading=False),
             "binance (signed): API key without spot trading; " + DOC_BN_KEY)


def key_expiring(f):
    set_body(f, "binance_api_restrictions",
             bn_key(expires="+%d" % (10 * DAY_MS)),
             "binance (signed): API key's trading right ends in 10 days; "
             + DOC_BN_KEY)
    set_body(f, "upbit_api_keys",
             up_keys([(UP_KEY_IN_USE, "{{now_iso+%d}}" % (10 * DAY_MS)),
                      (UP_KEY_OTHER, "{{now_iso+%d}}" % (300 * DAY_MS))]),
             "upbit (JWT): the key in use expires in 10 days; "
             + DOC_UP_KEYS)


def key_expired(f):
    set_body(f, "binance_api_restrictions",
             bn_key(expires="-%d" % (2 * DAY_MS)),
             "binance (signed): API key's trading right ended 2 days ago; "
             + DOC_BN_KEY)
    set_body(f, "upbit_api_keys",
             up_keys([(UP_KEY_IN_USE, "2026-03-05T18:19:34+09:00"),
                      (UP_KEY_OTHER, "{{now_iso+%d}}" % (300 * DAY_MS))]),
             "upbit (JWT): the key in use expired on 2026-03-05 (KST); "
             + DOC_UP_KEYS)


def key_unlisted(f):
    set_body(f, "upbit_api_keys",
             up_keys([(UP_KEY_OTHER, "{{now_iso+%d}}" % (300 * DAY_MS))]),
             "upbit (JWT): only another key is listed, not the one in use; "
             + DOC_UP_KEYS)


def maintenance(f):
    set_body(f, "binance_system_status",
             {"status": 1, "msg": "system_maintenance"},
             "binance: system maintenance; " + DOC_BN_STATUS)


def wallet_suspended(f):
    set_body(f, "binance_capital_config", bn_coins(btc_wd=False, btc_nets=[
        bn_network("BTC", "BTC", "Bitcoin", True, wd=False),
        bn_network("BTC", "BSC", "BNB Smart Chain (BEP20)", False,
                   wd=False)]),
        "binance (signed): BTC withdrawals suspended; " + DOC_BN_COINS)
    set_body(f, "upbit_status_wallet", up_wallets("paused", "inactive"),
             "upbit (JWT): BTC wallet paused, block inactive; "
             + DOC_UP_WALLET)


def wallet_deposits_closed(f):
    set_body(f, "binance_capital_config", bn_coins(btc_dep=False),
             "binance (signed): BTC deposits suspended; " + DOC_BN_COINS)
    set_body(f, "upbit_status_wallet", up_wallets("withdraw_only"),
             "upbit (JWT): BTC wallet withdraw_only; " + DOC_UP_WALLET)


def wallet_networks_closed(f):
    set_body(f, "binance_capital_config", bn_coins(btc_nets=[
        bn_network("BTC", "BTC", "Bitcoin", True, wd=False),
        bn_network("BTC", "BSC", "BNB Smart Chain (BEP20)", False,
                   dep=False)]),
        "binance (signed): no BTC network open both ways; " + DOC_BN_COINS)
    set_body(f, "upbit_status_wallet", up_wallets("working", "delayed"),
             "upbit (JWT): BTC wallet working, block delayed; "
             + DOC_UP_WALLET)


def garbled(f):
    set_body(f, "binance_api_restrictions",
             dict(bn_key(), enableWithdrawals="false"),
             "binance (signed): enableWithdrawals as a string (garbled)")
    set_body(f, "binance_system_status", '{"status":0,"ms',
             "binance: system status cut short (garbled)")
    set_body(f, "binance_capital_config", {"coin": "BTC"},
             "binance (signed): one object, not a list (garbled)")
    set_body(f, "upbit_api_keys", [{"access_key": UP_KEY_IN_USE,
                                    "expire_at": "2027-06-18 18:19"}],
             "upbit (JWT): expire_at without seconds or offset (garbled)")
    set_body(f, "upbit_status_wallet", "<html><body>점검 중</body></html>",
             "upbit (JWT): an HTML page, not JSON (garbled)")
    set_body(f, "upbit_orders_open_wait", {"uuid": "x", "state": "wait"},
             "upbit (JWT): one object, not a list (garbled)")
    garbled_orders(f)


def bn_filter(f, ftype, **values):
    info = f["binance_exchange_info_btcusdt"]["response"]["body"]
    for flt in info["symbols"][0]["filters"]:
        if flt["filterType"] == ftype:
            flt.update(values)


def bn_order_refused(f, status, code, msg, why, doc):
    for side in ("buy", "sell"):
        k = "binance_order_test_" + side
        f[k]["response"] = error(status, {"code": code, "msg": msg},
                                 {"Content-Type": JSON_CT})
        f[k]["description"] = "binance (signed): the dry run is refused " \
            "(%s); %s" % (why, doc)


def up_order_refused(f, status, name, message, why):
    f["upbit_orders_test"]["response"] = error(
        status, {"error": {"name": name, "message": message}},
        {"Content-Type": JSON_CT})
    f["upbit_orders_test"]["description"] = \
        "upbit (JWT): the dry run is refused (%s); %s" % (why, UP_ERRORS_DOC)


def below_minimum(f):
    bn_filter(f, "NOTIONAL", minNotional="150.00000000")
    f["binance_exchange_info_btcusdt"]["description"] = \
        "binance: BTCUSDT NOTIONAL minNotional 150 USDT; " + BN_FILTERS_DOC
    bn_order_refused(f, 400, -1013, "Filter failure: NOTIONAL",
                     "under minNotional", BN_ERRORS_DOC)
    f["upbit_orders_chance_krw_btc"]["response"]["body"] = \
        up_chance(min_total="200000")
    f["upbit_orders_chance_krw_btc"]["description"] = \
        "upbit (JWT): KRW-BTC min_total 200000 KRW; " + UP_CHANCE_DOC
    up_order_refused(f, 400, "under_min_total_ask",
                     "최소주문금액 이상으로 주문해주세요", "under min_total")


def lot_size(f):
    bn_filter(f, "LOT_SIZE", minQty="0.01000000")
    f["binance_exchange_info_btcusdt"]["description"] = \
        "binance: BTCUSDT LOT_SIZE minQty 0.01 BTC; " + BN_FILTERS_DOC
    bn_order_refused(f, 400, -1013, "Filter failure: LOT_SIZE",
                     "under minQty", BN_ERRORS_DOC)
    f["upbit_orders_chance_krw_btc"]["response"]["body"] = \
        up_chance(state="inactive")
    f["upbit_orders_chance_krw_btc"]["description"] = \
        "upbit (JWT): KRW-BTC state inactive; " + UP_CHANCE_DOC
    up_order_refused(f, 400, "market_offline",
                     "시장이 일시적으로 중단되었습니다.", "market offline")


def no_trade_permission(f):
    bn_order_refused(f, 401, -2015,
                     "Invalid API-key, IP, or permissions for action.",
                     "the key may not trade", BN_ERRORS_DOC)
    up_order_refused(f, 401, "out_of_scope", "권한이 부족합니다.",
                     "the key may not order")


def garbled_orders(f):
    for side in ("buy", "sell"):
        k = "binance_order_test_" + side
        f[k]["response"]["body"] = []
        f[k]["description"] = "binance (signed): the dry run answers a " \
            "list, not the documented object; " + BN_ORDER_TEST_DOC
    f["upbit_orders_test"]["response"]["body"] = {"market": "KRW-BTC"}
    f["upbit_orders_test"]["description"] = "upbit (JWT): the dry run " \
        "answers no order; " + UP_ORDER_TEST_DOC


def over_cap_combined(f):
    f["binance_account"]["response"]["body"] = bn_account([
        ("BTC", "0.00766907", "0.00000000"),
        ("USDT", "1500.00000000", "0.00000000")])
    f["upbit_accounts"]["response"]["body"] = [
        up_account("KRW", "2000000.0"),
        up_account("BTC", "0.00748606", avg="141000000")]
    f["binance_account"]["description"] = \
        "binance (signed): 0.00766907 BTC held, exposure 843.90 USD"
    f["upbit_accounts"]["description"] = \
        "upbit (JWT): 0.00748606 BTC held, exposure 838.28 USD"


def fx_off(f):
    f["upbit_ticker_krw_usdt"]["response"]["body"] = [
        up_ticker("KRW-USDT", 14.5)]
    f["upbit_ticker_krw_usdt"]["description"] = \
        "upbit: KRW-USDT at 14.5 KRW, 100x off; " + UP_TICKER_DOC


SETS = [
    degrade("rate_limited", "every request answered 429 with Retry-After",
            rate_limited),
    degrade("low_headroom", "200s, but little rate-limit headroom left",
            low_headroom),
    degrade("server_error", "Binance 503 (-1008), Upbit 502 from its gateway",
            server_error),
    degrade("timeout", "no request is answered in time", timeout),
    degrade("skewed_clock", "both servers' clocks 5 s ahead; Binance refuses "
            "signed requests (-1021)", skewed_clock),
    degrade("open_orders", "stray open orders on both exchanges",
            open_orders),
    degrade("over_cap", "holdings push exposure over the 1000 USD cap",
            over_cap),
    degrade("low_balance", "free quote balance below the planned notional",
            low_balance),
    degrade("delisted", "the BTC markets are gone (Binance -1121, Upbit "
            "404 and no market)", delisted),
    degrade("halted", "BTCUSDT in BREAK; KRW-BTC under investment warning",
            halted),
    degrade("key_withdrawals", "the Binance API key may withdraw",
            key_withdrawals),
    degrade("key_no_ip", "the Binance API key has no IP allow-list",
            key_no_ip),
    degrade("key_no_trading", "the Binance API key may not trade spot",
            key_no_trading),
    degrade("key_expiring", "both API keys expire in 10 days", key_expiring),
    degrade("key_expired", "both API keys have expired", key_expired),
    degrade("key_unlisted", "Upbit does not list the key in use",
            key_unlisted),
    degrade("maintenance", "Binance system status 1 (maintenance)",
            maintenance),
    degrade("wallet_suspended", "BTC withdrawals suspended on Binance; "
            "Upbit BTC wallet paused", wallet_suspended),
    degrade("wallet_deposits_closed", "BTC deposits suspended on Binance; "
            "Upbit BTC wallet withdraw_only", wallet_deposits_closed),
    degrade("wallet_networks_closed", "no Binance BTC network open both "
            "ways; Upbit BTC block delayed", wallet_networks_closed),
    degrade("garbled", "the account endpoints answer 200 with garbled "
            "bodies; the dry runs answer 2xx with undocumented bodies",
            garbled),
    degrade("below_minimum", "the planned order is under the minimum "
            "(Binance NOTIONAL 150 USDT, Upbit min_total 200000 KRW)",
            below_minimum),
    degrade("lot_size", "Binance LOT_SIZE minQty 0.01 BTC; Upbit KRW-BTC "
            "inactive", lot_size),
    degrade("no_trade_permission", "the keys may not trade: the dry runs "
            "are refused (Binance -2015, Upbit out_of_scope)",
            no_trade_permission),
    degrade("over_cap_combined", "each exchange within the 1000 USD cap "
            "(843.90, 838.28), both together over it", over_cap_combined),
    degrade("fx_off", "KRW-USDT at 14.5 KRW, a 100x wrong KRW/USD rate",
            fx_off),
]


def write_set(folder, fixtures):
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".json"):
            os.remove(os.path.join(folder, name))
    for name, fx in sorted(fixtures.items()):
        with open(os.path.join(folder, name + ".json"), "w",
                  encoding="utf-8") as out:
            json.dump(fx, out, indent=2, ensure_ascii=False)
            out.write("\n")


def main():
    write_set(ROOT, healthy())
    for name, _desc, fixtures in SETS:
        shutil.rmtree(os.path.join(ROOT, name), ignore_errors=True)
        write_set(os.path.join(ROOT, name), fixtures)
    with open(os.path.join(ROOT, "README.md"), "w") as out:
        out.write("# Fixture sets of the D98 check pack\n\n"
                  "Generated by `scripts/make-fixtures.py`; edit that, not "
                  "the files.\nThe `*.json` files here are the healthy "
                  "set, used by default in paper\nmode. Each folder is a "
                  "complete degraded set:\n\n"
                  "    preflight run checks/ --fixtures checks/fixtures/"
                  "<set>\n\n| set | the world it simulates |\n|---|---|\n")
        for name, desc, _f in SETS:
            out.write("| `%s` | %s |\n" % (name, desc))


if __name__ == "__main__":
    main()
