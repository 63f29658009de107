"""Every read-only call of the official SDK's Info class and of ccxt's hyperliquid class, and the
SDK's WebSocket subscriptions, against the simulator with only the URL changed."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any, cast

import ccxt
import pytest
import requests
from hyperliquid.info import Info
from hyperliquid.utils.types import Cloid

from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline.simulator.wallets import wallets
from hl_pipeline_tests.simulator.helpers import DAY, HOUR, NOW, address

ADDRESSES = wallets(7).addresses
VAULT, MAKER, WHALE, RETAIL = ADDRESSES[0], ADDRESSES[2], address("whale", 1), address("retail", 5)


@pytest.fixture(scope="module")
def sim():
    config = SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False, ws_speed=30.0)
    with running_simulator(config) as handle:
        yield handle


@pytest.fixture(scope="module")
def info(sim):
    return Info(base_url=sim.base_url, skip_ws=True)


def _num(text: str) -> Decimal:
    assert isinstance(text, str)
    return Decimal(text)


def test_sdk_market_calls(info):
    assert [u["name"] for u in info.meta()["universe"]][:2] == ["BTC", "ETH"]
    meta, ctxs = info.meta_and_asset_ctxs()
    assert len(meta["universe"]) == len(ctxs) and all(_num(c["markPx"]) > 0 for c in ctxs)
    spot = info.spot_meta()
    assert [p["name"] for p in spot["universe"]] == ["PURR/USDC", "@1", "@2", "@3", "@4"]
    spot_meta, spot_ctxs = info.spot_meta_and_asset_ctxs()
    assert [c["coin"] for c in spot_ctxs] == [p["name"] for p in spot_meta["universe"]]
    mids = info.all_mids()
    assert {"BTC", "PURR/USDC", "@1", "@4"} <= set(mids) and all(_num(v) > 0 for v in mids.values())
    assert info.perp_dexs() == [None]
    for name in ("BTC", "PURR/USDC", "HYPE/USDC"):  # HYPE/USDC is "@1" on the wire
        book = info.l2_snapshot(name)
        bids, asks = book["levels"]
        assert len(bids) == 20 and _num(bids[0]["px"]) < _num(asks[0]["px"])
    assert info.l2_snapshot("HYPE/USDC")["coin"] == "@1"
    for name in ("BTC", "PURR/USDC"):
        candles = info.candles_snapshot(name, "1h", NOW - DAY, NOW)
        assert len(candles) == 25 and candles[0]["s"] == info.name_to_coin[name]
    funding = info.funding_history("ETH", NOW - DAY, NOW)
    assert len(funding) == 24 and all(f["coin"] == "ETH" for f in funding)
    auction = info.query_perp_deploy_auction_status()
    assert auction["durationSeconds"] > 0 and auction["startTimeSeconds"] <= NOW // 1000


def test_sdk_account_calls(info):
    state = info.user_state(WHALE)
    assert state["assetPositions"] and _num(state["marginSummary"]["accountValue"]) > 0
    balances = info.spot_user_state(WHALE)["balances"]
    assert balances[0]["coin"] == "USDC" and all(_num(b["total"]) > 0 for b in balances)
    opened = info.open_orders(MAKER)
    front = info.frontend_open_orders(MAKER)
    assert opened and [o["oid"] for o in opened] == [o["oid"] for o in front]
    assert set(opened[0]) == {"coin", "limitPx", "oid", "side", "sz", "timestamp"}
    assert all(o["timestamp"] <= NOW and o["orderType"] == "Limit" for o in front)
    fills = info.user_fills(MAKER)
    assert len(fills) == 2000 and fills[0]["time"] >= fills[-1]["time"]
    by_time = info.user_fills_by_time(MAKER, NOW - HOUR, NOW)
    merged = info.user_fills_by_time(MAKER, NOW - HOUR, NOW, aggregate_by_time=True)
    assert by_time and len(merged) <= len(by_time)
    assert sum(_num(f["sz"]) for f in merged) == sum(_num(f["sz"]) for f in by_time)
    history = info.historical_orders(MAKER)
    assert history and {h["status"] for h in history} >= {"filled", "canceled"}
    status = info.query_order_by_oid(MAKER, opened[0]["oid"])
    assert status["status"] == "order" and status["order"]["status"] == "open"
    with_cloid = next(o for o in front if o["cloid"])
    by_cloid = info.query_order_by_cloid(MAKER, Cloid.from_str(with_cloid["cloid"]))
    assert by_cloid["order"]["order"]["oid"] == with_cloid["oid"]
    assert info.query_order_by_oid(MAKER, 12345)["status"] == "unknownOid"
    funding = info.user_funding_history(WHALE, NOW - DAY, NOW)
    assert funding and all(f["delta"]["type"] == "funding" for f in funding)
    assert info.user_funding_history(WHALE, NOW - DAY) == funding
    ledger = info.user_non_funding_ledger_updates(WHALE, NOW - 30 * DAY, NOW)
    assert ledger and {r["delta"]["type"] for r in ledger} <= {"deposit", "withdraw", "accountClassTransfer"}
    assert info.user_non_funding_ledger_updates(WHALE, NOW - 30 * DAY) == ledger
    fees = info.user_fees(WHALE)
    assert len(fees["dailyUserVlm"]) == 15 and _num(fees["userCrossRate"]) > 0
    assert fees["feeSchedule"]["tiers"]["vip"][0]["ntlCutoff"] == "5000000.0"
    limit = info.user_rate_limit(WHALE)
    assert limit["nRequestsCap"] == 10_000 + int(_num(limit["cumVlm"])) and limit["nRequestsUsed"] >= 0
    assert info.user_role(WHALE) == {"role": "user"} and info.user_role(VAULT) == {"role": "vault"}
    assert info.user_role("0x" + "0" * 40) == {"role": "missing"}
    periods = dict(info.portfolio(WHALE))
    assert set(periods) >= {"day", "week", "month", "allTime", "perpDay"}
    assert periods["day"]["accountValueHistory"][-1] == [NOW, state["marginSummary"]["accountValue"]]
    assert info.user_twap_slice_fills(WHALE) == []
    subs = info.query_sub_accounts(WHALE)
    assert subs[0]["master"] == WHALE.lower()
    assert info.user_role(subs[0]["subAccountUser"])["data"]["master"] == WHALE.lower()
    assert info.query_sub_accounts(RETAIL) is None
    agents = info.extra_agents(MAKER)
    assert agents and info.user_role(agents[0]["address"]) == {"role": "agent", "data": {"user": MAKER}}
    referral = info.query_referral_state(RETAIL)
    assert referral["referredBy"]["referrer"] == VAULT
    staked = info.user_staking_summary(WHALE)
    delegations = info.user_staking_delegations(WHALE)
    assert _num(staked["delegated"]) == sum(_num(d["amount"]) for d in delegations) > 0
    history = info.delegator_history(WHALE)
    assert {next(iter(h["delta"])) for h in history} == {"cDeposit", "delegate"}
    assert info.user_staking_rewards(WHALE)[0]["source"] == "delegation"
    assert info.query_user_to_multi_sig_signers(WHALE) is None
    assert info.query_user_abstraction_state(WHALE) == "default"
    assert info.query_user_dex_abstraction_state(WHALE) is False
    assert info.query_spot_deploy_auction_status(WHALE)["states"] == []


def test_vaults_agree_with_their_followers(sim, info):
    details = requests.post(
        sim.base_url + "/info", json={"type": "vaultDetails", "vaultAddress": VAULT}, timeout=30
    ).json()
    assert details["vaultAddress"] == VAULT and details["followers"]
    follower = details["followers"][0]
    equities = info.user_vault_equities(follower["user"])
    mine = next(e for e in equities if e["vaultAddress"] == VAULT)
    assert (
        mine["equity"] == follower["vaultEquity"] and mine["lockedUntilTimestamp"] == follower["lockupUntil"]
    )
    value = _num(info.user_state(VAULT)["marginSummary"]["accountValue"])
    total = sum(_num(f["vaultEquity"]) for f in details["followers"])
    assert abs(total / value - (1 - Decimal(str(details["leaderFraction"])))) < Decimal("0.0001")


def test_other_public_info_types(sim):
    def post(body):
        resp = requests.post(sim.base_url + "/info", json=body, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()

    assert post({"type": "exchangeStatus"}) == {
        "specialStatuses": None,
        "time": str(NOW),
    }  # a string, as documented
    predicted = dict(post({"type": "predictedFundings"}))
    venues = dict(predicted["BTC"])
    assert venues["HlPerp"]["fundingIntervalHours"] == 1 and venues["HlPerp"]["nextFundingTime"] > NOW
    assert post({"type": "perpsAtOpenInterestCap"}) == []
    data = post({"type": "activeAssetData", "user": WHALE, "coin": "BTC"})
    assert data["coin"] == "BTC" and data["leverage"]["type"] == "cross" and len(data["maxTradeSzs"]) == 2
    [[all_meta, all_ctxs]] = post({"type": "allPerpMetas"})
    assert len(all_meta["universe"]) == len(all_ctxs) == 10
    limits = post({"type": "perpDexLimits", "dex": ""})
    assert [c for c, _ in limits["coinToOiCap"]][:2] == ["BTC", "ETH"]
    assert _num(post({"type": "perpDexStatus", "dex": ""})["totalNetDeposit"]) > 0
    purr = post({"type": "tokenDetails", "tokenId": "0xc1fb593aeffbeb02f85e0308e9956a90"})
    spot_ctx = post({"type": "spotMetaAndAssetCtxs"})[1][0]
    assert purr["name"] == "PURR" and purr["markPx"] == spot_ctx["markPx"]
    assert post({"type": "perpCategories"}) == [] and post({"type": "perpConciseAnnotations"}) == []
    assert post({"type": "perpAnnotation", "coin": "BTC"}) is None
    assert (
        post({"type": "outcomeMeta"}) == {"outcomes": []}
        and post({"type": "settledOutcome", "outcome": 1}) is None
    )
    assert post({"type": "allBorrowLendReserveStates"})[0][0] == 0
    assert post({"type": "borrowLendReserveState", "token": 0})["oraclePx"] == "1.0"
    assert post({"type": "borrowLendUserState", "user": WHALE})["health"] == "healthy"


def _ccxt(sim) -> ccxt.hyperliquid:
    return ccxt.hyperliquid(
        {
            "urls": {"api": {"public": sim.base_url, "private": sim.base_url}},
            "enableRateLimit": False,
            "walletAddress": WHALE,
        }
    )


def test_ccxt_public_calls(sim):
    ex = _ccxt(sim)
    markets = ex.load_markets()
    assert {"BTC/USDC:USDC", "PURR/USDC", "HYPE/USDC"} <= set(markets)
    assert markets["HYPE/USDC"]["id"] == "@1" and markets["PURR/USDC"]["spot"]
    assert ex.fetch_status()["status"] == "ok" and ex.fetch_time() == NOW
    assert "PURR" in ex.fetch_currencies()
    assert ex.fetch_ticker("BTC/USDC:USDC")["last"] > 0
    tickers = ex.fetch_tickers()
    assert {"BTC/USDC:USDC", "PURR/USDC"} <= set(tickers)
    for symbol in ("BTC/USDC:USDC", "PURR/USDC", "HYPE/USDC"):
        book = ex.fetch_order_book(symbol)
        assert book["bids"][0][0] < book["asks"][0][0] and len(book["asks"]) == 20
        ohlcv = ex.fetch_ohlcv(symbol, "1h", NOW - DAY, 24)
        assert len(ohlcv) == 24 and all(len(row) == 6 and row[2] >= row[3] for row in ohlcv)
    rates = ex.fetch_funding_rates()
    assert rates["BTC/USDC:USDC"]["fundingRate"] is not None
    history = ex.fetch_funding_rate_history("ETH/USDC:USDC", NOW - DAY)
    assert len(history) == 24
    interests = ex.fetch_open_interests()
    assert interests["BTC/USDC:USDC"]["openInterestAmount"] > 0
    assert ex.fetch_open_interest("ETH/USDC:USDC")["openInterestAmount"] > 0


def test_ccxt_account_calls(sim):
    ex = _ccxt(sim)
    ex.load_markets()
    trades = ex.fetch_trades("BTC/USDC:USDC")
    assert trades and all(t["symbol"] == "BTC/USDC:USDC" for t in trades)
    mine = ex.fetch_my_trades("BTC/USDC:USDC", NOW - HOUR)
    assert mine and all(t["timestamp"] >= NOW - HOUR for t in mine)
    opened = ex.fetch_open_orders()
    assert opened and all(o["status"] == "open" for o in opened)
    assert ex.fetch_order(opened[0]["id"])["id"] == opened[0]["id"]
    closed = ex.fetch_closed_orders()
    canceled = ex.fetch_canceled_orders()
    assert closed and canceled and {o["status"] for o in closed} == {"closed"}
    assert {o["status"] for o in canceled} == {"canceled"}
    assert len(ex.fetch_canceled_and_closed_orders()) == len(closed) + len(canceled)
    assert len(ex.fetch_orders()) == len(closed) + len(canceled) + len(opened)
    positions = ex.fetch_positions()
    assert positions and all(p["contracts"] > 0 for p in positions)
    assert ex.fetch_position("BTC/USDC:USDC")["symbol"] == "BTC/USDC:USDC"
    assert ex.fetch_balance()["USDC"]["total"] > 0
    assert ex.fetch_balance({"type": "spot"})["USDC"]["total"] > 0
    fee = ex.fetch_trading_fee("BTC/USDC:USDC")
    assert fee["taker"] > 0 and fee["maker"] is not None
    ledger = ex.fetch_ledger(since=NOW - 30 * DAY)
    deposits, withdrawals = (
        ex.fetch_deposits(since=NOW - 30 * DAY),
        ex.fetch_withdrawals(since=NOW - 30 * DAY),
    )
    assert ledger and len(deposits) + len(withdrawals) <= len(ledger)
    payments = ex.fetch_funding_history("BTC/USDC:USDC", NOW - DAY)
    assert payments and all(p["symbol"] == "BTC/USDC:USDC" and p["amount"] is not None for p in payments)


SUBSCRIPTIONS: list[dict[str, Any]] = [
    {"type": "allMids"},
    {"type": "l2Book", "coin": "BTC"},
    {"type": "l2Book", "coin": "PURR/USDC"},
    {"type": "trades", "coin": "ETH"},
    {"type": "candle", "coin": "BTC", "interval": "1m"},
    {"type": "bbo", "coin": "BTC"},
    {"type": "userEvents", "user": MAKER},
    {"type": "userFills", "user": MAKER},
    {"type": "orderUpdates", "user": MAKER},
    {"type": "userFundings", "user": WHALE},
    {"type": "userNonFundingLedgerUpdates", "user": WHALE},
    {"type": "webData2", "user": WHALE},
    {"type": "activeAssetCtx", "coin": "BTC"},
    {"type": "activeAssetCtx", "coin": "@1"},
    {"type": "activeAssetData", "user": WHALE, "coin": "BTC"},
]


def _check(sub: dict, msg: dict) -> None:
    """A message of the subscription's channel with the content its SDK type promises."""
    data = msg["data"]
    kind = sub["type"]
    if kind == "allMids":
        assert {"BTC", "@1"} <= set(data["mids"])
    elif kind == "l2Book":
        assert data["coin"] == sub["coin"] and len(data["levels"][0]) == 20
    elif kind == "trades":
        assert data and all(t["coin"] == "ETH" and len(t["users"]) == 2 for t in data)
    elif kind == "candle":
        assert data["s"] == "BTC" and data["i"] == "1m"
    elif kind == "bbo":
        bid, ask = data["bbo"]
        assert data["coin"] == "BTC" and _num(bid["px"]) < _num(ask["px"])
    elif kind == "userEvents":
        assert msg["channel"] == "user" and ("fills" in data or "funding" in data)
    elif kind == "userFills":
        assert data["user"] == MAKER and data["fills"]
    elif kind == "orderUpdates":
        assert data and {"order", "status", "statusTimestamp"} <= set(data[0])
    elif kind == "userFundings":
        assert data["isSnapshot"] and data["fundings"] and data["fundings"][0]["coin"]
    elif kind == "userNonFundingLedgerUpdates":
        assert data["isSnapshot"] and data["nonFundingLedgerUpdates"]
    elif kind == "webData2":
        assert data["user"] == WHALE and data["clearinghouseState"]["assetPositions"] and data["assetCtxs"]
    elif kind == "activeAssetCtx":
        assert msg["channel"] == ("activeAssetCtx" if sub["coin"] == "BTC" else "activeSpotAssetCtx")
        assert data["coin"] == sub["coin"] and _num(data["ctx"]["markPx"]) > 0
    else:
        assert data["user"] == WHALE and data["coin"] == "BTC" and data["leverage"]["value"] > 0


def test_sdk_subscriptions_all_call_back(sim):
    info = Info(base_url=sim.base_url)
    got: dict[int, list[dict]] = {i: [] for i in range(len(SUBSCRIPTIONS))}
    done = threading.Event()

    def callback_for(i: int):
        def on_message(msg: dict) -> None:
            got[i].append(msg)
            if all(got.values()):
                done.set()

        return on_message

    try:
        for i, sub in enumerate(SUBSCRIPTIONS):
            info.subscribe(cast(Any, dict(sub)), callback_for(i))
        done.wait(timeout=60)  # a bound, not a pace: returns as soon as every callback fired
    finally:
        info.disconnect_websocket()
    missing = [SUBSCRIPTIONS[i]["type"] for i, msgs in got.items() if not msgs]
    assert not missing
    for i, sub in enumerate(SUBSCRIPTIONS):
        _check(sub, got[i][0])


def test_sdk_user_events_follow_the_rest_answers(sim):
    """The first orderUpdates events are the orders REST lists as open or later fills."""
    info = Info(base_url=sim.base_url)
    events: list[dict] = []
    ready = threading.Event()

    def on_updates(msg: dict) -> None:
        events.extend(msg["data"])
        if len(events) >= 3:
            ready.set()

    try:
        info.subscribe(cast(Any, {"type": "orderUpdates", "user": MAKER}), on_updates)
        ready.wait(timeout=60)
    finally:
        info.disconnect_websocket()
    assert len(events) >= 3
    rest = Info(base_url=sim.base_url, skip_ws=True)
    open_oids = {o["oid"] for o in rest.open_orders(MAKER)}
    for e in events:
        if e["status"] in ("filled", "canceled") and e["order"]["timestamp"] <= NOW:
            assert e["order"]["oid"] in open_oids  # open at NOW, ended after it
