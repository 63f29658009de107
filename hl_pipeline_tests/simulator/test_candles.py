"""candleSnapshot: determinism, aggregation of 1m, overlap semantics, retention and caps."""

from __future__ import annotations

import pytest

from hl_pipeline.exchange.intervals import INTERVALS, candle_open, next_open
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.simulator.helpers import DAY, HOUR, NOW, candles


def _aggregate(minutes: list[dict], interval: str) -> list[dict]:
    groups: dict[int, list[dict]] = {}
    for c in minutes:
        groups.setdefault(candle_open(c["t"], interval), []).append(c)
    return [
        {
            "t": t,
            "o": g[0]["o"],
            "c": g[-1]["c"],
            "h": max(g, key=lambda c: float(c["h"]))["h"],
            "l": min(g, key=lambda c: float(c["l"]))["l"],
            "v": round(sum(float(c["v"]) for c in g), 6),
            "n": sum(c["n"] for c in g),
        }
        for t, g in groups.items()
    ]


def test_same_seed_and_window_give_the_same_candles(simulator):
    first = candles(simulator, "ETH", "5m", NOW - DAY, NOW)
    with running_simulator(SimulatorConfig(seed=7, now_ms=NOW)) as other:
        assert candles(other, "ETH", "5m", NOW - DAY, NOW) == first
    with running_simulator(SimulatorConfig(seed=8, now_ms=NOW)) as other:
        assert candles(other, "ETH", "5m", NOW - DAY, NOW) != first


def test_a_window_fetched_in_pieces_equals_the_whole(simulator):
    whole = candles(simulator, "SOL", "1m", NOW - 3 * HOUR, NOW)
    pieces = candles(simulator, "SOL", "1m", NOW - 3 * HOUR, NOW - 2 * HOUR - 1) + candles(
        simulator, "SOL", "1m", NOW - 2 * HOUR, NOW
    )
    assert pieces == whole and len(whole) == 181


@pytest.mark.parametrize("interval", [i for i in INTERVALS if i != "1m"])
def test_every_interval_is_the_aggregation_of_1m(interval):
    now = 1_704_067_200_000 + 40 * DAY + 5 * HOUR + 7 * 60_000  # 2024-02-10 05:07 UTC, spans month/week edges
    config = SimulatorConfig(seed=3, now_ms=now, retention=None)
    start = now - (40 * DAY if interval in ("1d", "3d", "1w", "1M") else 2 * DAY)
    with running_simulator(config) as sim:
        native = candles(sim, "BTC", interval, start, now)
        first_open = native[0]["t"]
        minutes = []
        t = first_open
        while t <= now:
            minutes += candles(sim, "BTC", "1m", t, min(t + 4999 * 60_000, now))
            t += 5000 * 60_000
    expected = _aggregate(minutes, interval)
    got = [
        {**{k: c[k] for k in ("t", "o", "c", "h", "l", "n")}, "v": round(float(c["v"]), 6)} for c in native
    ]
    assert got == expected
    assert all(c["i"] == interval and c["s"] == "BTC" for c in native)


def test_overlap_semantics_and_close_time(simulator):
    start, end = NOW - 10 * HOUR + 1234, NOW - 2 * HOUR + 5
    rows = candles(simulator, "BTC", "1h", start, end)
    assert rows[0]["t"] == candle_open(start, "1h") and rows[-1]["t"] == candle_open(end, "1h")
    assert len(rows) == 9
    assert all(r["T"] == r["t"] + HOUR - 1 for r in rows)
    assert [r["t"] for r in rows] == sorted(r["t"] for r in rows)
    month = candles(simulator, "BTC", "1M", NOW - 60 * DAY, NOW)
    assert all(r["T"] == next_open(r["t"], "1M") - 1 for r in month)
    week = candles(simulator, "BTC", "1w", NOW - 30 * DAY, NOW)
    assert all((r["t"] // DAY + 3) % 7 == 0 for r in week)  # Mondays


def test_nothing_after_now_nor_before_listing(simulator):
    rows = candles(simulator, "BTC", "1m", NOW - 5 * 60_000, NOW + DAY)
    assert rows[-1]["t"] == candle_open(NOW, "1m")
    assert candles(simulator, "BTC", "1h", 0, 1_672_531_200_000 - 1) == []
    assert candles(simulator, "BTC", "1h", NOW, NOW - 1) == []


def test_retention_keeps_the_newest_5000(simulator):
    rows = candles(simulator, "BTC", "1m", 0, NOW)
    assert len(rows) == 5000
    assert rows[0]["t"] == candle_open(NOW, "1m") - 4999 * 60_000 and rows[-1]["t"] == candle_open(NOW, "1m")
    assert candles(simulator, "BTC", "1m", 0, rows[0]["t"] - 1) == []


def test_without_retention_older_data_exists_and_a_page_holds_5000():
    with running_simulator(SimulatorConfig(seed=7, now_ms=NOW, retention=None)) as sim:
        rows = candles(sim, "BTC", "1m", NOW - 10 * DAY, NOW)
        assert len(rows) == 5000 and rows[0]["t"] == candle_open(NOW - 10 * DAY, "1m")
        assert len(candles(sim, "BTC", "1m", 0, NOW - 6 * DAY)) == 5000
        assert candles(sim, "BTC", "1d", 0, NOW)[0]["t"] == 1_672_531_200_000
