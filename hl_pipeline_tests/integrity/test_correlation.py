"""The correlation-break detector on minute bars with a known factor structure."""

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.correlation import BREAK, correlation_breaks, rolling_corr
from hl_pipeline.integrity.events import Event
from hl_pipeline_tests.integrity.frames import DAY

MINUTES = 1440


def _bars(returns: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time": DAY + np.arange(len(returns)) * MINUTE_MS,
            "usd": 1e5,
            "trades": 20,
            "px": 100.0 * np.exp(np.cumsum(returns)),
        }
    )


def _market(seed: int, coins: int, broken: dict[int, tuple[int, int]] | None = None) -> dict[str, np.ndarray]:
    """One-minute returns loading 0.8 on a shared factor; inside `broken` windows the coin's factor
    share is an independent stream of the same variance."""
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal(MINUTES)
    out = {}
    for k in range(coins):
        loading = factor.copy()
        lo, hi = (broken or {}).get(k, (0, 0))
        loading[lo:hi] = rng.standard_normal(hi - lo)
        out[f"C{k}"] = 1e-3 * (0.8 * loading + 0.6 * rng.standard_normal(MINUTES))
    return out


def test_rolling_corr_matches_numpy_on_a_full_window_and_skips_gaps():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(200)
    y = 0.5 * x + rng.standard_normal(200)
    got = rolling_corr(x, y, 51)
    assert got[100] == pytest.approx(np.corrcoef(x[75:126], y[75:126])[0, 1])
    x[:150] = np.nan
    assert np.isnan(rolling_corr(x, y, 51)[100])


def test_a_coin_that_stops_following_the_market_is_found_and_the_others_are_not():
    returns = _market(1, 5, {2: (600, 720)})
    found = correlation_breaks({c: _bars(r) for c, r in returns.items()})
    assert [c for c, events in found.items() if events] == ["C2"]
    (event,) = found["C2"]
    assert event.type == BREAK
    half = event.evidence["params"]["window_min"] // 2  # the edges are known to within half a window
    assert abs(event.start_ms - (DAY + 600 * MINUTE_MS)) <= half * MINUTE_MS
    assert abs(event.end_ms - (DAY + 720 * MINUTE_MS)) <= half * MINUTE_MS
    assert event.evidence["min_corr"] < 0.2 < 0.5 < event.evidence["baseline_corr"]
    assert event.evidence["market"] == ["C0", "C1", "C3", "C4"] and event.score > 0.6


def test_no_break_without_one_and_none_with_fewer_than_three_coins():
    assert not any(correlation_breaks({c: _bars(r) for c, r in _market(2, 5).items()}).values())
    pair = _market(3, 2, {0: (600, 720)})
    assert correlation_breaks({c: _bars(r) for c, r in pair.items()}) == {"C0": [], "C1": []}


def test_a_decoupling_inside_an_event_another_detector_found_is_left_to_that_event():
    bars = {c: _bars(r) for c, r in _market(5, 4, {1: (600, 720)}).items()}
    assert correlation_breaks(bars)["C1"]
    pump = Event("pump_and_dump", DAY + 600 * MINUTE_MS, DAY + 720 * MINUTE_MS, 1.0)
    assert correlation_breaks(bars, {"C1": [pump]})["C1"] == []
