"""Lookahead with late data: books (some received twice), trades, funding and asset contexts
arriving late and sparse.

At each of a few hundred cut times over two whole days, every input is truncated by the test
itself to the rows known by then (`lookahead.known_ms`, from each row's receive time; not the
code's availability helper), the features are recomputed, and every feature and flag at every
bar that closed by the cut must be unchanged. Labels read only the bars after the bar's close
within the horizon, and no training row's label window reaches its fold's test window.
test_lookahead_mutations.py plants each kind of leak and shows these checks catch it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.ml.features.catalog import FEATURES, FLAGS, bar_ms
from hl_pipeline.ml.features.compute import compute_features
from hl_pipeline.ml.labels import LabelSpec
from hl_pipeline.ml.pointintime import availability
from hl_pipeline_tests.ml import lookahead
from hl_pipeline_tests.ml.lookahead import (
    COINS,
    DATASETS,
    EVAL_END,
    EVAL_START,
    as_ms,
    check_features_at_cuts,
    check_labels,
    check_purge_all,
    cut_times,
    known_ms,
    late_inputs,
)

INPUTS = late_inputs()
CUTS = cut_times(INPUTS)


def _coarse(bar: str, every: int = 10) -> np.ndarray:
    """The cuts within 2 ms of a close of `bar`, and every tenth of the others (past its first close)."""
    cuts = CUTS[EVAL_START + bar_ms(bar) <= CUTS]
    near = np.abs((cuts + 2) % bar_ms(bar) - 2) <= 2
    rest = np.flatnonzero(~near)[::every]
    return np.sort(np.concatenate([cuts[near], cuts[rest]]))


BAR_CUTS = {"1m": CUTS, "5m": _coarse("5m")}
"""Every cut on 1m bars; on 5m bars those at its closes and a tenth of the others."""


def test_the_inputs_are_late_and_sparse():
    got = lookahead.lateness(INPUTS)
    assert got["books_after_their_bar_closed"] > 0.1  # received after the bar they belong to closed
    assert got["books_over_2_min_late"] > 0.03
    assert got["trades_after_their_bar_closed"] > 0.1
    assert got["trades_over_2_min_late"] > 0.03
    assert got["book_silences_over_5_min"] >= 10 and got["trade_silences_over_5_min"] >= 10
    assert got["funding_over_1_min_past_the_hour"] > 0.1
    assert got["context_silences_over_2_h"] >= 3
    assert set(INPUTS) == set(DATASETS)
    for name, frame in INPUTS.items():
        if name != "wallet_profiles":  # one partition a day for every coin
            assert sorted(frame["coin"].unique()) == list(COINS)


def test_the_cut_times_cover_both_days_bar_closes_and_hours():
    assert len(CUTS) >= 200
    assert CUTS.min() <= EVAL_START + MINUTE_MS and CUTS.max() >= EVAL_END
    hours = np.bincount((CUTS - EVAL_START) // HOUR_MS, minlength=48)[:48]
    assert (hours > 0).sum() >= 40  # spread over the two days
    at_close = CUTS % MINUTE_MS == 0
    assert at_close.sum() >= 40
    for off in (-2, -1, 1, 2):  # a few ms either side of a bar close
        assert ((CUTS - off) % MINUTE_MS == 0).sum() >= 10
    assert (CUTS % HOUR_MS == 0).sum() >= 5 and ((CUTS + 1) % HOUR_MS == 0).sum() >= 5
    assert (BAR_CUTS["5m"] % bar_ms("5m") == 0).sum() >= 20


def test_truncation_is_by_receive_time_not_exchange_time():
    """At a bar close, the test's truncation drops books and trades whose exchange time has passed but
    which arrived later: an exchange-time rule would keep them. (The code's availability helper states
    the same rule; it is compared here, never used to truncate.)"""
    cuts = CUTS[CUTS % MINUTE_MS == 0]
    for dataset in ("book_snapshots", "trades"):
        frame = INPUTS[dataset]
        known, stamped = known_ms(frame, dataset), as_ms(frame["time"])
        hidden = [int(((stamped < c) & (known > c)).sum()) for c in cuts]
        assert np.mean(np.array(hidden) > 0) > 0.9, dataset  # all but cuts in a silent span
    for dataset, frame in INPUTS.items():
        np.testing.assert_array_equal(known_ms(frame, dataset), availability(frame, dataset))


def test_a_book_received_twice_counts_once_from_its_first_receipt():
    """A snapshot delivered twice (REST, then the stream) gives the features it gives delivered once."""
    book = INPUTS["book_snapshots"]
    once = book[book["receive_time"] == book.groupby(["coin", "time"])["receive_time"].transform("min")]
    assert len(book) - len(once) > 1000
    columns = [f.name for f in FEATURES if f.group == "book"] + ["book_missing"]
    twice = compute_features(INPUTS, EVAL_START, EVAL_END)[columns]
    alone = compute_features({**INPUTS, "book_snapshots": once}, EVAL_START, EVAL_END)[columns]
    pd.testing.assert_frame_equal(twice, alone)


@pytest.mark.parametrize("bar", list(BAR_CUTS))
def test_no_feature_at_a_closed_bar_reads_data_known_after_the_cut(bar):
    cuts = BAR_CUTS[bar]
    result = check_features_at_cuts(INPUTS, cuts, bar=bar)
    assert result.cuts == len(cuts)
    # not vacuous: at the last bar before each cut (the one late data threatens most) every
    # feature has a value about as often as over the two days, and every input is missing at
    # some bars and present at others
    days = result.full[as_ms(result.full["time"]) < EVAL_END]
    for f in FEATURES:
        share = days[f.name].notna().mean()
        assert share > 0.05 and result.at_last_bar[f.name] >= 0.5 * share * len(cuts) * len(COINS), f.name
    for flag in FLAGS:
        assert 0 < days[flag].sum() < len(days), flag


@pytest.mark.parametrize(
    "spec", [LabelSpec(), LabelSpec(horizons_min=(5, 15, 60), bar="5m")], ids=["1m", "5m"]
)
def test_labels_read_only_the_bars_after_the_close_within_the_horizon(spec):
    result = check_labels(INPUTS["candles"], CUTS, spec=spec)
    assert result.near_gap > 200  # rows whose window holds a missing bar: their labels are missing
    assert result.missing_near_gap == result.near_gap
    values = result.full["fwd_log_return"]
    assert values.notna().mean() > 0.8


def test_no_training_label_window_reaches_its_test_window():
    assert check_purge_all() > 10_000
