"""The correlation-break detector on 10 s bars with a known factor structure."""

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.correlation import BREAK, CorrelationParams, correlation_breaks, rolling_corr
from hl_pipeline.integrity.events import Event
from hl_pipeline_tests.integrity.frames import DAY

PARAMS = CorrelationParams()
PER_MIN = PARAMS.bars(1)
BARS = 1440 * PER_MIN


def _bars(returns: np.ndarray) -> pd.DataFrame:
    trades = np.full(len(returns), 5)
    trades[::97] = 0  # some bars without a trade
    return pd.DataFrame(
        {
            "time": DAY + np.arange(len(returns)) * PARAMS.bar_ms,
            "usd": 1e4,
            "trades": trades,
            "px": 100.0 * np.exp(np.cumsum(returns)),
        }
    )


def _market(seed: int, coins: int, broken: dict[int, tuple[int, int]] | None = None) -> dict[str, np.ndarray]:
    """10 s returns loading 0.8 on a shared factor; inside `broken` windows (minutes) the coin's factor
    share is an independent stream of the same variance."""
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal(BARS)
    out = {}
    for k in range(coins):
        loading = factor.copy()
        lo, hi = (broken or {}).get(k, (0, 0))
        loading[lo * PER_MIN : hi * PER_MIN] = rng.standard_normal((hi - lo) * PER_MIN)
        out[f"C{k}"] = 4e-4 * (0.8 * loading + 0.6 * rng.standard_normal(BARS))
    return out


def test_rolling_corr_matches_numpy_on_a_full_window_and_skips_gaps():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(200)
    y = 0.5 * x + rng.standard_normal(200)
    got = rolling_corr(x, y, 51, 26)
    assert got[100] == pytest.approx(np.corrcoef(x[75:126], y[75:126])[0, 1])
    x[:110] = np.nan  # 16 pairs left in the window around 100
    assert np.isnan(rolling_corr(x, y, 51, 26)[100]) and np.isfinite(rolling_corr(x, y, 51, 16)[100])


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
