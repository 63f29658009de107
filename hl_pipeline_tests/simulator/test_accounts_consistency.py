"""The account endpoints agree with each other and with the market: orders and fills, funding
payments and positions, fees and tiers, spot books and mids, error shapes, the book cadence."""

from __future__ import annotations

import random
import statistics
from decimal import Decimal

import pytest
import websockets

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.info import answer
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import round_px
from hl_pipeline.simulator.orders import RESTING_OID_BASE
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline.simulator.wsconn import Connection
from hl_pipeline_tests.simulator.helpers import NOW, address, post
from hl_pipeline_tests.simulator.wsclient import collect_until, recv, run, subscribe, ws_url

MAKER, WHALE = address("market_maker", 2), address("whale", 1)


def _market(now: int = NOW) -> Market:
    return Market(SimulatorConfig(seed=7, now_ms=now, rate_limit=False))


def _ask(market: Market, body: dict):
    return answer(market, body)[0]


def test_open_orders_later_fill_or_cancel():
    now, later = _market(), _market(NOW + 40 * 60_000)
    opened = _ask(now, {"type": "frontendOpenOrders", "user": MAKER})
    fills = {f["oid"]: f for f in _ask(later, {"type": "userFillsByTime", "user": MAKER, "startTime": NOW})}
    kinds = set()
    for order in opened:
        status = _ask(later, {"type": "orderStatus", "user": MAKER, "oid": order["oid"]})["order"]
        assert status["statusTimestamp"] > NOW and status["order"]["timestamp"] == order["timestamp"]
        if order["oid"] >= RESTING_OID_BASE:
            assert status["status"] == "canceled" and order["oid"] not in fills
        else:
            assert status["status"] == "filled" and fills[order["oid"]]["time"] == status["statusTimestamp"]
            assert (
                fills[order["oid"]]["px"] == order["limitPx"] and fills[order["oid"]]["side"] == order["side"]
            )
        kinds.add(status["status"])
    assert kinds == {"filled", "canceled"}


def test_aggregate_by_time_merges_partial_fills():
    market = _market()
    body = {"type": "userFillsByTime", "user": MAKER, "startTime": NOW - 6 * HOUR_MS}
    raw = _ask(market, body)
    merged = _ask(market, {**body, "aggregateByTime": True})
    keys = [(f["oid"], f["time"]) for f in raw]
    assert len(merged) == len(set(keys)) < len(raw)  # the tape has sweeps: one order, several makers
    assert len({(f["oid"], f["time"]) for f in merged}) == len(merged)
    for f in merged:
        parts = [r for r in raw if (r["oid"], r["time"]) == (f["oid"], f["time"])]
        assert Decimal(f["sz"]) == sum(Decimal(p["sz"]) for p in parts)
        assert abs(Decimal(f["fee"]) - sum(Decimal(p["fee"]) for p in parts)) < Decimal("0.0001")


def test_funding_payments_follow_positions_and_rates():
    market = _market()
    rows = _ask(market, {"type": "userFunding", "user": WHALE, "startTime": NOW - 3 * HOUR_MS})
    assert rows and all(r["time"] % HOUR_MS == 0 for r in rows)
    for row in rows[:12]:
        d, t = row["delta"], row["time"]
        at = _market(t)
        held = {
            p["position"]["coin"]: p["position"]["szi"]
            for p in _ask(at, {"type": "clearinghouseState", "user": WHALE})["assetPositions"]
        }
        assert d["szi"] == held[d["coin"]]
        rate = _ask(market, {"type": "fundingHistory", "coin": d["coin"], "startTime": t, "endTime": t + 999})
        assert d["fundingRate"] == rate[0]["fundingRate"]
        i = market.coin_id(d["coin"])
        spec = market.specs[i]
        mark = float(
            round_px(price(7, i, spec.start_px, spec.daily_vol, [t], spec.signal), spec.sz_decimals)[0]
        )
        assert float(d["usdc"]) == pytest.approx(-float(d["szi"]) * mark * float(d["fundingRate"]), abs=1e-6)


def test_fills_are_charged_at_the_tier_user_fees_reports():
    market = _market()
    fees = _ask(market, {"type": "userFees", "user": WHALE})
    cross, add = Decimal(fees["userCrossRate"]), Decimal(fees["userAddRate"])
    start = NOW // DAY_MS * DAY_MS
    fills = _ask(market, {"type": "userFillsByTime", "user": WHALE, "startTime": start})
    assert {f["crossed"] for f in fills} == {True, False}
    for f in fills:
        rate = cross if f["crossed"] else add
        expected = Decimal(f["px"]) * Decimal(f["sz"]) * rate
        assert abs(Decimal(f["fee"]) - expected) <= abs(expected) * Decimal("0.0001") + Decimal("0.000001")
    days = fees["dailyUserVlm"]
    assert Decimal(days[-2]["userCross"]) + Decimal(days[-2]["userAdd"]) > 0


def test_spot_books_mids_and_candles():
    market = _market()
    mids = _ask(market, {"type": "allMids"})
    for coin in ("PURR/USDC", "@1", "@2"):
        book = _ask(market, {"type": "l2Book", "coin": coin})
        bid, ask = (Decimal(side[0]["px"]) for side in book["levels"])
        assert bid < Decimal(mids[coin]) < ask
        candles = market.candles(coin, "1m", NOW - HOUR_MS, NOW)
        assert len(candles) == 61 and candles[-1]["s"] == coin
    spot_meta, ctxs = _ask(market, {"type": "spotMetaAndAssetCtxs"})
    assert [c["coin"] for c in ctxs] == [u["name"] for u in spot_meta["universe"]]


def test_bad_requests_keep_the_real_error_shapes(simulator):
    unknown = post(simulator, {"type": "userThings", "user": MAKER}, expect=422)
    assert unknown.text.endswith("unknown variant `userThings`")
    assert post(simulator, {"type": "l2Book", "coin": "NOPE"}, expect=500).text == "null"
    assert (
        post(simulator, {"type": "fundingHistory", "coin": "@1", "startTime": 0}, expect=500).text == "null"
    )
    bad_oid = post(simulator, {"type": "orderStatus", "user": MAKER, "oid": "0x12"}, expect=422)
    assert "oid" in bad_oid.text
    no_user = post(simulator, {"type": "userFees"}, expect=422)
    assert no_user.text.endswith("missing field `user`")
    assert post(simulator, {"type": "orderStatus", "user": MAKER, "oid": 7}).json() == {
        "status": "unknownOid"
    }


def test_ws_spot_feeds_unknown_channel_and_greeting():
    config = SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False, ws_speed=30.0, ws_greeting=True)

    async def go(sim):
        async with websockets.connect(ws_url(sim)) as ws:
            assert await ws.recv() == "Websocket connection established."
            await subscribe(ws, {"type": "meteor", "coin": "BTC"})
            error = await recv(ws)
            assert error["channel"] == "error" and error["data"].startswith("Error parsing JSON")
            await subscribe(ws, {"type": "orderUpdates", "user": MAKER.upper().replace("0X", "0x")})
            ack = await recv(ws)
            assert ack == {
                "channel": "subscriptionResponse",
                "data": {"method": "subscribe", "subscription": {"type": "orderUpdates", "user": MAKER}},
            }
            await subscribe(ws, {"type": "orderUpdates", "user": MAKER}, "unsubscribe")
            assert (await recv(ws))["data"]["method"] == "unsubscribe"
            for sub in ({"type": "l2Book", "coin": "@1"}, {"type": "trades", "coin": "PURR/USDC"}):
                await subscribe(ws, sub)
            frames = await collect_until(
                ws, lambda f: {m["channel"] for m in f} >= {"l2Book", "trades"}, timeout=30
            )
            books = [m["data"] for m in frames if m["channel"] == "l2Book"]
            trades = [t for m in frames if m["channel"] == "trades" for t in m["data"]]
            assert books[0]["coin"] == "@1" and trades and {t["coin"] for t in trades} == {"PURR/USDC"}

    with running_simulator(config) as sim:
        run(go(sim))


def test_books_share_one_clock_at_the_real_cadence():
    config = SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False)
    conn = Connection.__new__(Connection)
    conn.config = config
    conn.cadence = random.Random(3)
    gaps = [conn.book_gap() * 1000 for _ in range(20_000)]
    deciles = statistics.quantiles(gaps, n=10)
    assert 590 < statistics.median(gaps) < 620  # the archive: 605 ms
    assert 505 <= deciles[0] < 530 and 820 < deciles[-1] < 900  # the archive: 505 and 899 ms
    assert min(gaps) >= 500

    async def go(sim):
        async with websockets.connect(ws_url(sim)) as ws:
            for coin in ("BTC", "ETH"):
                await subscribe(ws, {"type": "l2Book", "coin": coin})
            frames = await collect_until(ws, lambda f: len(f) >= 8, "l2Book", timeout=30)
        times: dict[int, set[str]] = {}
        for m in frames[2:]:  # the first book of each subscription is sent at once
            times.setdefault(m["data"]["time"], set()).add(m["data"]["coin"])
        assert any(coins == {"BTC", "ETH"} for coins in times.values())

    with running_simulator(config) as sim:
        run(go(sim))


def test_cum_funding_sums_the_payments_of_the_day():
    market = _market()
    state = _ask(market, {"type": "clearinghouseState", "user": WHALE})
    today = _ask(market, {"type": "userFunding", "user": WHALE, "startTime": NOW // DAY_MS * DAY_MS})
    for p in state["assetPositions"]:
        position = p["position"]
        received = sum(Decimal(r["delta"]["usdc"]) for r in today if r["delta"]["coin"] == position["coin"])
        assert abs(Decimal(position["cumFunding"]["sinceOpen"]) + received) < Decimal("0.0001") * 13
