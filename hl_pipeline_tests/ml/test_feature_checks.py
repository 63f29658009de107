"""The pure checks on features and labels, and the feature registry against the lake schema."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.ml.checks import check_no_missing_where_inputs_present, check_ranges, label_balance
from hl_pipeline.ml.features.catalog import lookback_days
from hl_pipeline.ml.features.compute import compute_features, features_for_day
from hl_pipeline.ml.labels import compute_labels
from hl_pipeline_tests.ml import synthetic
from hl_pipeline_tests.ml.rolling_reference import rolling_inputs_complete

START, END = synthetic.START + DAY_MS, synthetic.START + 3 * DAY_MS


@pytest.fixture(scope="module")
def features():
    return compute_features(synthetic.inputs(days=3, seed=3), START, END)


def test_synthetic_features_pass_both_checks(features):
    complete = check_no_missing_where_inputs_present(features)
    assert complete.passed, complete.metadata
    assert complete.metadata["checked"] > len(features) * 20
    assert check_ranges(features).passed


def test_a_planted_hole_and_an_out_of_range_value_fail(features):
    broken = features.copy()
    row = broken.index[(~broken["candles_missing"]).cumsum() == 500][0]
    broken.loc[row, "rsi_14"] = np.nan
    outcome = check_no_missing_where_inputs_present(broken)
    assert not outcome.passed and outcome.metadata["violations"]["rsi_14"]["rows"] == 1
    broken.loc[row, "corr_btc_60"] = 1.5
    assert "corr_btc_60" in check_ranges(broken).metadata["violations"]


def test_missing_inputs_give_nan_and_a_flag_never_zero():
    inputs = dict(synthetic.inputs(days=3, seed=3))
    inputs.pop("book_snapshots")
    frame = compute_features(inputs, START, END, features=["spread_bps", "depth_25bps", "ret_1"])
    assert (
        frame["book_missing"].all() and frame["spread_bps"].isna().all() and frame["depth_25bps"].isna().all()
    )
    assert frame.loc[frame["candles_missing"], "ret_1"].isna().all()


def test_label_balance_reports_per_day_and_flags_a_skewed_day():
    candles = synthetic.candles(days=3, seed=3)
    labels = compute_labels(candles, START, END)
    outcome = label_balance(labels)
    assert outcome.passed and "2024-03-02 5m" in outcome.metadata["shares"]
    skewed = labels.assign(direction=labels["direction"].where(labels["time"].dt.day != 2, 1))
    assert "2024-03-02 5m" in label_balance(skewed).metadata["skewed"]
    begun = skewed[
        (skewed["time"].dt.day != 2) | (skewed["time"].dt.hour == 0) & (skewed["time"].dt.minute < 30)
    ]
    few = label_balance(begun)  # day 2 has only its first 30 bars: listed, not judged
    assert few.passed and "2024-03-02 5m" in few.metadata["too_few"] and not few.metadata["skewed"]


def test_registry_matches_the_lake_schema(features):
    assert features.columns.tolist() == SCHEMAS["features"].names
    table = pa.Table.from_pandas(features, preserve_index=False).select(SCHEMAS["features"].names)
    assert table.cast(SCHEMAS["features"]).num_rows == len(features)
    labels = compute_labels(synthetic.candles(days=3, seed=3), START, END)
    assert pa.Table.from_pandas(labels, preserve_index=False).cast(SCHEMAS["labels"]).num_rows == len(labels)


def test_errors_name_the_bad_value():
    with pytest.raises(ValueError, match="'bogus'"):
        compute_features(synthetic.inputs(days=3, seed=3), START, END, features=["bogus"])
    with pytest.raises(ValueError, match="'2m'"):
        compute_features(synthetic.inputs(days=3, seed=3), START, END, bar="2m")
    with pytest.raises(ValueError, match="2024-13-01"):
        features_for_day("2024-13-01", synthetic.inputs(days=3, seed=3))
    with pytest.raises(ValueError, match="'orders'"):
        compute_features({"orders": synthetic.candles(1)}, START, END)


def test_lookback_days_are_small_and_fixed():
    assert lookback_days("1m") == {
        "candles": 1,
        "book_snapshots": 1,
        "trades": 1,
        "funding": 1,
        "asset_contexts": 3,
        "venue_candles": 1,
        "venue_funding": 1,
        "venue_open_interest": 2,  # oi_share reads open interest as of up to 26 h back
        "wallet_fills": 2,  # wallet kinds up to two days old; a position's last fill up to a day
        "wallet_profiles": 2,
    }


def test_vectorised_inputs_complete_equals_the_rolling_definition(features):
    from hl_pipeline.ml.checks import inputs_complete

    rng = np.random.default_rng(3)
    holed = features.copy()
    flags = [c for c in holed.columns if c.endswith("_missing")]
    for flag in flags:  # sparse holes in every input, so windows see some
        holed[flag] = holed[flag] | (rng.random(len(holed)) < 0.01)
    shuffled = holed.sample(frac=1.0, random_state=5).sort_values("time", kind="stable")  # coins interleaved
    for frame in (holed, shuffled):
        got, want = inputs_complete(frame, "1m"), rolling_inputs_complete(frame, "1m")
        assert list(got.columns) == list(want.columns)
        assert (got.to_numpy() == want.to_numpy()).all()
        assert 0 < got.to_numpy().mean() < 1  # the comparison is not vacuous
