"""Lookahead: truncating every input at a cut time T leaves every feature at bars closed by T unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.ml.features.catalog import FEATURES, FLAGS, bar_ms
from hl_pipeline.ml.features.compute import compute_features
from hl_pipeline.ml.pointintime import ms, truncate
from hl_pipeline_tests.ml import synthetic
from hl_pipeline_tests.ml.lookahead import values_changed

DAYS = 4
START, END = synthetic.START, synthetic.START + DAYS * DAY_MS
_rng = np.random.default_rng(2024)
CUTS = [int(t) for t in _rng.integers(START + DAY_MS // 2, END, 2)] + [START + 2 * DAY_MS + 17 * MINUTE_MS]
"""Two random cut times (any millisecond) and one exactly at a bar's close."""


def _inputs():
    return synthetic.inputs(days=DAYS, seed=11)


@pytest.fixture(scope="module", params=["1m", "5m"])
def results(request):
    bar = request.param
    full = compute_features(_inputs(), START, END, bar=bar)
    cut = {t: compute_features(truncate(_inputs(), t), START, END, bar=bar) for t in CUTS}
    return bar, full, cut


@pytest.mark.parametrize("column", [f.name for f in FEATURES] + list(FLAGS))
def test_no_feature_reads_past_the_cut(results, column):
    bar, full, cut = results
    for t in CUTS:
        assert values_changed(full, cut[t], t, bar_ms(bar), column) == 0, f"{column} changed before cut {t}"
    early = ms(full["time"]) + bar_ms(bar) <= max(CUTS)
    if column not in FLAGS:  # the comparison is not vacuous: the feature has values before the cut
        assert full.loc[early, column].notna().sum() > 100


def _with_planted_leak(inputs) -> pd.DataFrame:
    """The features plus `leak` (the next bar's 1-bar return) and `lagged` (the previous bar's, which
    is fine)."""
    frame = compute_features(inputs, START, END, features=["ret_1"])
    by_coin = frame.groupby("coin")["ret_1"]
    return frame.assign(leak=by_coin.shift(-1), lagged=by_coin.shift(1))


def test_planted_next_bar_leak_is_caught():
    full = _with_planted_leak(_inputs())
    for t in CUTS:
        cut = _with_planted_leak(truncate(_inputs(), t))
        assert values_changed(full, cut, t, MINUTE_MS, "leak") > 0
        assert values_changed(full, cut, t, MINUTE_MS, "lagged") == 0


def _last_trade_sz(inputs) -> pd.DataFrame:
    """A subtle leak: the last trade size by exchange time before each bar close, ignoring when it was
    received."""
    trades = inputs["trades"]
    times = np.arange(START, END, MINUTE_MS)
    parts = []
    for coin, rows in trades.groupby("coin"):
        t = ms(rows["time"])
        order = np.argsort(t, kind="stable")
        pos = np.searchsorted(t[order], times + MINUTE_MS, side="left") - 1
        sz = np.where(pos >= 0, rows["sz"].to_numpy()[order][np.maximum(pos, 0)], np.nan)
        parts.append(pd.DataFrame({"coin": coin, "time": times, "sz": sz}))
    return pd.concat(parts, ignore_index=True)


def test_planted_receive_time_leak_is_caught():
    """Data with exchange time before the close but received after it is caught at bar-aligned cuts."""
    full = _last_trade_sz(_inputs())
    cuts = [START + DAY_MS + k * 7 * MINUTE_MS for k in range(30)]
    changed = sum(
        values_changed(full, _last_trade_sz(truncate(_inputs(), t)), t, MINUTE_MS, "sz") for t in cuts
    )
    assert changed > 0
