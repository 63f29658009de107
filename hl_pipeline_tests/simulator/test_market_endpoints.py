"""fundingHistory, l2Book, recentTrades, user fills and clearinghouse state."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hl_pipeline.simulator.wallets import wallets
from hl_pipeline_tests.simulator.helpers import DAY, HOUR, NOW, address, post


def _funding(handle, **body):
    return post(handle, {"type": "fundingHistory", "coin": "BTC", **body}).json()


def test_funding_is_hourly_capped_and_inclusive(simulator):
    rows = _funding(simulator, startTime=NOW - 30 * DAY)
    assert len(rows) == 500
    times = [r["time"] for r in rows]
    assert times == sorted(times) and all(0 <= t % HOUR < 1000 for t in times)
    assert all(abs(float(r["fundingRate"])) < 0.001 for r in rows)
    t = times[3]
    assert [r["time"] for r in _funding(simulator, startTime=t, endTime=t)] == [t]
    assert _funding(simulator, startTime=t + 1, endTime=times[4] - 1) == []
    tail = _funding(simulator, startTime=NOW - 5 * HOUR)
    assert len(tail) == 5 and tail[-1]["time"] <= NOW


def _book(handle, **extra):
    return post(handle, {"type": "l2Book", "coin": "BTC", **extra}).json()


def test_book_has_20_ordered_levels_per_side(simulator):
    book = _book(simulator)
    bids, asks = book["levels"]
    assert len(bids) == len(asks) == 20
    bid_px, ask_px = [Decimal(x["px"]) for x in bids], [Decimal(x["px"]) for x in asks]
    assert bid_px == sorted(bid_px, reverse=True) and ask_px == sorted(ask_px) and bid_px[0] < ask_px[0]
    assert all(isinstance(x["n"], int) and x["n"] >= 1 for x in bids + asks)


@pytest.mark.parametrize(("sig", "mantissa", "step"), [(2, None, 1000), (3, None, 100), (5, 2, 2), (5, 5, 5)])
def test_book_aggregation_merges_into_buckets(simulator, sig, mantissa, step):
    full = _book(simulator)
    agg = _book(simulator, nSigFigs=sig, mantissa=mantissa)
    bids, asks = agg["levels"]
    assert all(Decimal(x["px"]) % step == 0 for x in bids + asks)
    top = Decimal(bids[0]["px"])
    inside = [x for x in full["levels"][0] if top <= Decimal(x["px"]) < top + step]
    if len(inside) < 20:  # the whole bucket is visible in the full book
        assert Decimal(bids[0]["sz"]) == sum(Decimal(x["sz"]) for x in inside)
        assert bids[0]["n"] == sum(x["n"] for x in inside)
    assert [Decimal(x["px"]) for x in asks] == sorted(Decimal(x["px"]) for x in asks)


def test_recent_trades_are_the_newest_ten(simulator):
    rows = post(simulator, {"type": "recentTrades", "coin": "ETH"}).json()
    assert len(rows) == 10
    times = [r["time"] for r in rows]
    assert times == sorted(times, reverse=True) and times[0] <= NOW
    addresses = set(wallets(7).addresses)
    assert all(set(r["users"]) <= addresses and r["users"][0] != r["users"][1] for r in rows)


def test_trades_match_the_minute_candle(simulator):
    from hl_pipeline.simulator.config import SimulatorConfig
    from hl_pipeline.simulator.market import Market

    market = Market(SimulatorConfig(seed=7, now_ms=NOW))
    minute = NOW - 10 * 60_000
    candle = market.candles("BTC", "1m", minute, minute)[0]
    trades = market.tape.window(0, minute, minute + 59_999)
    assert len(trades.time) == candle["n"]
    assert Decimal(int(trades.lots.sum())) / 10**5 == Decimal(candle["v"])
    assert float(candle["l"]) <= trades.px.min() and trades.px.max() <= float(candle["h"])


def test_user_fills_are_the_wallets_side_of_public_trades(simulator):
    user = address("market_maker", 12)
    fills = post(simulator, {"type": "userFills", "user": user}).json()
    assert len(fills) == 2000
    times = [f["time"] for f in fills]
    assert times == sorted(times, reverse=True) and times[0] <= NOW
    trades = post(simulator, {"type": "recentTrades", "coin": "BTC"}).json()
    mine = [t for t in trades if user in t["users"]]
    fill_tids = {f["tid"] for f in fills}
    assert all(t["tid"] in fill_tids for t in mine)


def test_fills_by_time_are_bounded_ascending_and_chain_positions(simulator):
    user = address("market_maker", 10)
    start, end = NOW - 6 * HOUR, NOW - HOUR
    fills = post(
        simulator, {"type": "userFillsByTime", "user": user, "startTime": start, "endTime": end}
    ).json()
    assert fills and all(start <= f["time"] <= end for f in fills)
    assert [f["time"] for f in fills] == sorted(f["time"] for f in fills)
    by_coin: dict[str, list[dict]] = {}
    for f in fills:
        by_coin.setdefault(f["coin"], []).append(f)
    for rows in by_coin.values():  # within a day, each fill starts where the previous left off
        for a, b in zip(rows, rows[1:]):
            if a["time"] // DAY == b["time"] // DAY:
                moved = Decimal(a["sz"]) * (1 if a["side"] == "B" else -1)
                assert Decimal(a["startPosition"]) + moved == Decimal(b["startPosition"])
    many = post(simulator, {"type": "userFillsByTime", "user": user, "startTime": NOW - 3 * DAY}).json()
    assert len(many) == 2000


def test_clearinghouse_state_follows_the_days_fills(simulator):
    user = address("whale", 5)  # fewer than 2000 fills today
    state = post(simulator, {"type": "clearinghouseState", "user": user}).json()
    fills = post(
        simulator, {"type": "userFillsByTime", "user": user, "startTime": NOW // DAY * DAY, "endTime": NOW}
    ).json()
    last: dict[str, Decimal] = {}
    for f in fills:
        last[f["coin"]] = Decimal(f["startPosition"]) + Decimal(f["sz"]) * (1 if f["side"] == "B" else -1)
    held = {p["position"]["coin"]: Decimal(p["position"]["szi"]) for p in state["assetPositions"]}
    assert 0 < len(fills) < 2000 and last
    assert all(held.get(coin, Decimal(0)) == size for coin, size in last.items())
    empty = post(simulator, {"type": "clearinghouseState", "user": "0x" + "0" * 40}).json()
    assert empty["assetPositions"] == [] and empty["marginSummary"]["accountValue"] == "0.0"
