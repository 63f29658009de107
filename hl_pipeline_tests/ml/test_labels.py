"""Labels: hand-computed values on small frames, the day boundary, the dead zone, the triple barrier."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.ml.labels import LabelSpec, compute_labels, direction, labels_for_day, triple_barrier
from hl_pipeline.ml.pointintime import ms

DAY = "2024-03-01"
D0 = 1_709_251_200_000  # its start


def _candles(times, closes, highs=None, lows=None, coin="ETH") -> pd.DataFrame:
    closes = np.asarray(closes, float)
    t = np.asarray(times, np.int64)
    return pd.DataFrame(
        {
            "coin": coin,
            "interval": "1m",
            "time": t,
            "close_time": t + MINUTE_MS - 1,
            "open": closes,
            "high": closes if highs is None else highs,
            "low": closes if lows is None else lows,
            "close": closes,
            "volume": 1.0,
            "trades": 1,
        }
    )


def test_forward_return_across_the_day_boundary():
    """The day's last bars read the next day: with it they are known, without it they are missing."""
    spec = LabelSpec(horizons_min=(2,), dead_zone=0.0, barrier=0.5)
    last = D0 + DAY_MS - 3 * MINUTE_MS  # 23:57, 23:58, 23:59 of the day
    today = _candles([last, last + MINUTE_MS, last + 2 * MINUTE_MS], [100, 101, 102])
    tomorrow = _candles([D0 + DAY_MS, D0 + DAY_MS + MINUTE_MS], [103, 99])
    got = labels_for_day(DAY, today, tomorrow, spec).set_index("time")
    at = lambda t: got.loc[pd.Timestamp(t, unit="ms", tz="UTC")]  # noqa: E731
    assert at(last)["fwd_log_return"] == pytest.approx(math.log(102 / 100))
    assert at(last + MINUTE_MS)["fwd_log_return"] == pytest.approx(math.log(103 / 101))
    assert at(last + 2 * MINUTE_MS)["fwd_log_return"] == pytest.approx(math.log(99 / 102))
    assert ms(pd.Series([at(last + 2 * MINUTE_MS)["known_time"]]))[0] == D0 + DAY_MS + 2 * MINUTE_MS
    assert len(got) == 1440 and got["horizon_min"].eq(2).all()

    alone = labels_for_day(DAY, today, None, spec).set_index("time")
    assert alone.loc[pd.Timestamp(last, unit="ms", tz="UTC"), "fwd_log_return"] == pytest.approx(
        math.log(102 / 100)
    )
    for t in (last + MINUTE_MS, last + 2 * MINUTE_MS):
        row = alone.loc[pd.Timestamp(t, unit="ms", tz="UTC")]
        assert pd.isna(row["fwd_log_return"]) and pd.isna(row["direction"]) and pd.isna(row["triple_barrier"])


def test_dead_zone_is_inclusive():
    r = np.array([-0.002, -0.001, -0.0009, 0.0, 0.001, 0.0011, np.nan])
    np.testing.assert_array_equal(direction(r, 0.001), [-1, 0, 0, 0, 0, 1, np.nan])


def test_direction_in_labels_uses_the_dead_zone():
    spec = LabelSpec(horizons_min=(1,), dead_zone=0.01, barrier=0.02)
    closes = [100, 100 * math.exp(0.005), 100 * math.exp(0.02), 100 * math.exp(0.005)]
    got = compute_labels(_candles(D0 + np.arange(4) * MINUTE_MS, closes), D0, D0 + 3 * MINUTE_MS, spec)
    assert got["direction"].tolist() == [0, 1, -1]


def test_triple_barrier_hand_cases():
    b = math.log(1.01)  # barriers at +-1 %
    close = np.full(6, 100.0)
    #           entry  up first      down first  both in a bar  neither  gap
    raw = {
        "up": ([100, 100.5, 101.2, 100, 100, 100], [100, 100, 100, 98, 100, 100], 1),
        "down": ([100, 100, 100, 102, 100, 100], [100, 99.5, 98.9, 100, 100, 100], -1),
        "same bar": ([100, 100, 101.5, 100, 100, 100], [100, 100, 98.5, 100, 100, 100], 0),
        "neither": ([100, 100.5, 100.9, 100, 100, 100], [100, 99.5, 99.2, 100, 100, 100], 0),
    }
    cases = {k: (np.array(h, float), np.array(lo, float), e) for k, (h, lo, e) in raw.items()}
    for name, (high, low, expected) in cases.items():
        assert triple_barrier(close, high, low, 3, b)[0] == expected, name
    high, low = cases["up"][0].copy(), cases["up"][1].copy()
    high[3], low[3] = np.nan, np.nan  # a missing bar inside the window: not knowable
    assert np.isnan(triple_barrier(close, high, low, 3, b)[0])
    assert np.isnan(triple_barrier(close, high, low, 3, b)[-3:]).all()  # windows past the data


def test_gap_leaves_labels_missing_not_zero():
    spec = LabelSpec(horizons_min=(2,), dead_zone=0.0, barrier=0.5)
    times = D0 + np.array([0, 1, 3, 4, 5]) * MINUTE_MS  # minute 2 is missing
    got = compute_labels(_candles(times, [100, 101, 103, 104, 105]), D0, D0 + 3 * MINUTE_MS, spec)
    assert pd.isna(got["fwd_log_return"][0])  # needs minute 2
    assert got["fwd_log_return"][1] == pytest.approx(math.log(103 / 101))
    assert pd.isna(got["fwd_log_return"][2])  # its entry is missing


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"horizons_min": (0,)}, "horizon"),
        ({"horizons_min": (7,), "bar": "5m"}, "horizon"),
        ({"horizons_min": (2000,)}, "horizon"),
        ({"dead_zone": 0.01, "barrier": 0.005}, "dead_zone"),
        ({"bar": "2m"}, "bar"),
    ],
)
def test_bad_label_spec_names_the_value(kwargs, word):
    with pytest.raises(ValueError, match=word):
        LabelSpec(**kwargs)


def test_coarser_bar_labels():
    spec = LabelSpec(horizons_min=(10,), bar="5m", dead_zone=0.0, barrier=0.5)
    closes = 100 + np.arange(19.0)  # 00:00 to 00:18: the 00:15 bar is incomplete
    got = compute_labels(_candles(D0 + np.arange(19) * MINUTE_MS, closes), D0, D0 + 10 * MINUTE_MS, spec)
    # the 00:00 bar closes at 00:05 on the 00:04 candle; ten minutes later is the 00:14 candle
    assert got["fwd_log_return"][0] == pytest.approx(math.log(closes[14] / closes[4]))
    assert pd.isna(got["fwd_log_return"][1])  # its exit bar (00:15) lacks 00:19
