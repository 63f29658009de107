"""Incremental: features computed day by day from each day's partition plus the declared lookback
partitions equal the features computed in one pass over the whole range."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.lake.calendar import date_of_ms, day_start_ms
from hl_pipeline.ml.features import compute
from hl_pipeline.ml.features.catalog import FEATURES, FLAGS, lookback_days
from hl_pipeline.ml.features.compute import compute_features, features_for_day
from hl_pipeline.ml.pointintime import ms
from hl_pipeline_tests.ml import synthetic

DAYS = 4
FIRST = synthetic.START + DAY_MS  # day 0 is history only
END = synthetic.START + DAYS * DAY_MS


def _partitions(inputs: dict, date: str, bar: str) -> dict:
    """What a day's asset reads: each dataset's partitions for `date` and its lookback days."""
    out = {}
    for dataset, frame in inputs.items():
        back = lookback_days(bar).get(dataset, 0)
        lo = day_start_ms(date) - back * DAY_MS
        t = ms(frame["time"])
        out[dataset] = frame[(t >= lo) & (t < day_start_ms(date) + DAY_MS)]
    return out


def _day_by_day(bar: str) -> pd.DataFrame:
    inputs = synthetic.inputs(days=DAYS, seed=11)
    days = [date_of_ms(t) for t in range(FIRST, END, DAY_MS)]
    return pd.concat(
        [features_for_day(d, _partitions(inputs, d, bar), bar=bar) for d in days], ignore_index=True
    )


@pytest.fixture(scope="module", params=["1m", "5m"])
def both(request):
    bar = request.param
    one_pass = compute_features(synthetic.inputs(days=DAYS, seed=11), FIRST, END, bar=bar)
    return one_pass, _day_by_day(bar)


def _mismatches(a: pd.DataFrame, b: pd.DataFrame, column: str) -> int:
    x, y = a[column].to_numpy(dtype=float), b[column].to_numpy(dtype=float)
    same = np.isclose(x, y, rtol=1e-9, atol=1e-12) | (np.isnan(x) & np.isnan(y))
    return int((~same).sum())


def test_same_rows(both):
    one_pass, daily = both
    pd.testing.assert_frame_equal(
        one_pass[["coin", "time"]].sort_values(["coin", "time"], ignore_index=True),
        daily[["coin", "time"]].sort_values(["coin", "time"], ignore_index=True),
    )


@pytest.mark.parametrize("column", [f.name for f in FEATURES] + list(FLAGS))
def test_day_by_day_equals_one_pass(both, column):
    keys = ["coin", "time"]
    a, b = (f.sort_values(keys, ignore_index=True) for f in both)
    assert _mismatches(a, b, column) == 0
    assert a[column].notna().any()


def test_an_under_declared_lookback_is_caught(monkeypatch):
    """Reading 90 minutes less candle history than declared breaks the equality (a test of the test)."""
    declared = compute.input_windows

    def short(start_ms, end_ms, bar="1m"):
        windows = declared(start_ms, end_ms, bar)
        lo, hi = windows["candles"]
        return {**windows, "candles": (lo + 90 * MINUTE_MS, hi)}

    one_pass = compute_features(synthetic.inputs(days=DAYS, seed=11), FIRST, END)
    monkeypatch.setattr(compute, "input_windows", short)
    daily = _day_by_day("1m")
    keys = ["coin", "time"]
    a, b = one_pass.sort_values(keys, ignore_index=True), daily.sort_values(keys, ignore_index=True)
    assert _mismatches(a, b, "ret_60") > 0
