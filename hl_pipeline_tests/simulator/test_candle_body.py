"""The candleSnapshot fast path: vectorised number strings, bodies rendered straight to JSON bytes,
and the 5m/1h caches, each against the per-value definition it replaces."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import requests

from hl_pipeline.exchange.intervals import DAY_MS, INTERVALS, MINUTE_MS, candle_open, next_open
from hl_pipeline.simulator.aggregate import aggregate
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import (
    dec_strings,
    fmt_dec,
    fmt_lots,
    fmt_pxs,
    lot_strings,
    px_strings,
    round_px,
)
from hl_pipeline.simulator.snapshot import candle_body, candle_rows, served_candles
from hl_pipeline_tests.conftest import TEST_NOW_MS

COMPACT = (",", ":")


def _reference_rows(source: CandleSource, coin: str, interval: str, *window) -> list[dict]:
    """candleSnapshot rows formatted value by value (fmt_pxs, fmt_lots), as the simulator did before."""
    c = served_candles(source, interval, *window)
    if c is None:
        return []
    sz = source.spec.sz_decimals
    o, cl, h, lo = (fmt_pxs(a, sz) for a in (c.o, c.c, c.h, c.l))
    return [
        {
            "t": t,
            "T": next_open(t, interval) - 1,
            "s": coin,
            "i": interval,
            "o": o[k],
            "c": cl[k],
            "h": h[k],
            "l": lo[k],
            "v": fmt_lots(v, sz),
            "n": n,
        }
        for k, (t, v, n) in enumerate(zip(c.t.tolist(), c.v.tolist(), c.n.tolist()))
    ]


@pytest.mark.parametrize("sz", range(7))
def test_vectorised_prices_and_sizes_print_as_fmt_dec_does(sz):
    rng = np.random.default_rng(sz)
    raw = np.exp(rng.uniform(np.log(1e-8), np.log(5e6), 20_000))
    edges = [9999.96, 99999.5, 999.995, 0.0, 1e-12, 1000.0, 10000.0, 0.1, 1.0, 123456789.0, 0.00001]
    px = round_px(np.r_[raw, edges], sz)
    assert px_strings(px, sz).to_pylist() == fmt_pxs(px, sz)
    lots = np.r_[rng.integers(0, 10**13, 5000), [0, 1, 9, 10, 10**sz, 10**sz + 1]]
    assert lot_strings(lots, sz).to_pylist() == [fmt_lots(v, sz) for v in lots.tolist()]
    assert lot_strings(np.array([-5, 7]), sz).to_pylist() == [fmt_lots(-5, sz), fmt_lots(7, sz)]


def test_values_off_the_grid_fall_back_to_fmt_dec():
    rng = np.random.default_rng(9)
    odd = np.r_[rng.normal(0, 1e3, 2000), [np.nan, np.inf, -np.inf, -0.0, 1e30, 1 / 3, 2.0**60, 5e-324]]
    decimals = rng.integers(-2, 20, odd.size)
    assert dec_strings(odd, decimals).to_pylist() == [
        fmt_dec(float(v), int(d)) for v, d in zip(odd, decimals)
    ]
    assert dec_strings(np.array([1.5, 2.25]), 3).to_pylist() == ["1.5", "2.25"]


@pytest.fixture(scope="module")
def market() -> Market:
    return Market(SimulatorConfig(seed=11, now_ms=TEST_NOW_MS, retention=None))


@pytest.mark.parametrize("interval", INTERVALS)
def test_body_is_json_dumps_of_the_reference_rows(market, interval):
    rng = random.Random(interval)
    cfg = market.config
    for coin_id in (0, 4, 6, 7):  # BTC (5 size decimals), ARB (1), DOGE and kPEPE (0)
        source, coin = market.sources[coin_id], cfg.coins[coin_id].name
        for _ in range(3):
            start = rng.randrange(cfg.listing_ms - 30 * DAY_MS, cfg.now())
            end = start + rng.randrange(0, 400 * DAY_MS) if rng.random() < 0.8 else cfg.now() + 1
            for retention, cap in ((None, 5000), (5000, 5000), (None, 7)):
                window = (start, end, cfg.now(), cfg.listing_ms, retention, cap)
                expected = _reference_rows(source, coin, interval, *window)
                assert candle_rows(source, coin, interval, *window) == expected
                rendered = candle_body(source, coin, interval, *window)
                assert rendered.body == json.dumps(expected, separators=COMPACT).encode()
                assert rendered.items == len(expected)


@pytest.mark.parametrize("interval", ["5m", "15m", "30m", "1h", "4h", "1d", "3d", "1w", "1M"])
def test_cached_aggregates_equal_aggregating_the_minutes(interval):
    cfg = SimulatorConfig(seed=3, now_ms=TEST_NOW_MS)
    cold = CandleSource(cfg.seed, 2, cfg.coins[2], cfg.listing_ms)
    warm = CandleSource(cfg.seed, 2, cfg.coins[2], cfg.listing_ms)
    warm.candles("5m", TEST_NOW_MS // DAY_MS * DAY_MS - 90 * DAY_MS, TEST_NOW_MS // MINUTE_MS * MINUTE_MS)
    for start, end in [
        (TEST_NOW_MS // DAY_MS * DAY_MS - 45 * DAY_MS, TEST_NOW_MS // MINUTE_MS * MINUTE_MS + MINUTE_MS),
        (TEST_NOW_MS // DAY_MS * DAY_MS - 120 * DAY_MS, TEST_NOW_MS // DAY_MS * DAY_MS - 70 * DAY_MS),
        (cfg.listing_ms - 3 * DAY_MS, cfg.listing_ms + 2 * DAY_MS),
    ]:
        first = candle_open(start, interval)  # a candleSnapshot window opens on its interval's grid
        direct = aggregate(cold.minutes(first, end), interval)
        assert len(direct) > 0
        for source in (cold, warm):
            got = source.candles(interval, first, end)
            assert len(got) == len(direct)
            for name in ("t", "o", "h", "l", "c", "v", "n"):
                assert np.array_equal(getattr(got, name), getattr(direct, name)), name


def test_the_server_sends_the_rendered_body(simulator):
    start = TEST_NOW_MS - 3 * DAY_MS
    req: dict[str, object] = {"coin": "SOL", "interval": "15m", "startTime": start, "endTime": TEST_NOW_MS}
    payload = json.dumps({"type": "candleSnapshot", "req": req})
    resp = requests.post(simulator.base_url + "/info", data=payload, timeout=30)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/json")
    expected = Market(simulator.config).candles("SOL", "15m", start, TEST_NOW_MS)
    assert len(expected) > 3 * 96
    assert resp.content == json.dumps(expected, separators=COMPACT).encode()
