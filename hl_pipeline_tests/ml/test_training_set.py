"""The training set: as-of label join, purge exactly at split boundaries, leakage guard, manifest."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.ml.checks import check_no_leakage
from hl_pipeline.ml.features.compute import compute_features
from hl_pipeline.ml.labels import LabelSpec, compute_labels
from hl_pipeline.ml.pointintime import ms
from hl_pipeline.ml.training_set import (
    LabelledBars,
    SplitSpec,
    build_training_set,
    known_by,
    label_columns,
    label_spec_of,
    labelled_bars,
    split_folds,
    split_of,
    training_folds,
)
from hl_pipeline_tests.ml import synthetic

START, END = synthetic.START, synthetic.START + 2 * DAY_MS
AS_OF = END - 30 * MINUTE_MS  # built half an hour before the window ends
SPEC = LabelSpec()


@pytest.fixture(scope="module")
def parts():
    inputs = synthetic.inputs(days=3, seed=5)
    features = compute_features(inputs, START, END, features=["ret_1", "rv_15", "spread_bps", "hour_of_day"])
    return features, compute_labels(inputs["candles"], START, END, SPEC)


def _build(parts, **kwargs):
    features, labels = parts
    names = ["ret_1", "rv_15", "spread_bps", "hour_of_day"]
    return build_training_set(features, labels, as_of_ms=AS_OF, spec=SPEC, feature_names=names, **kwargs)


@pytest.mark.parametrize("embargo_ms", [0, 10 * MINUTE_MS])
def test_purge_removes_exactly_the_rows_whose_label_windows_cross_a_boundary(parts, embargo_ms):
    frame, manifest = _build(parts, split=SplitSpec(n_folds=4, embargo_ms=embargo_ms))
    t = ms(frame["time"])
    label_end = ms(frame["known_time_60m"])  # the longest label window ends here
    assert np.all(label_end == t + MINUTE_MS + 60 * MINUTE_MS)
    folds = training_folds(frame, manifest)
    assert len(folds) == 4
    for fold in folds:
        before = np.flatnonzero(t < fold.test_start)
        crossing = before[label_end[before] + embargo_ms >= fold.test_start]
        assert len(crossing) > 0
        np.testing.assert_array_equal(np.sort(fold.train), np.setdiff1d(before, crossing))
        assert set(np.flatnonzero(frame["fold"].to_numpy() == fold.index)) == set(fold.test)


def test_labels_known_after_as_of_are_left_out(parts):
    frame, manifest = _build(parts)
    for h in SPEC.horizons_min:
        late = ms(frame[f"known_time_{h}m"]) > AS_OF
        assert late.any() or h != 60  # rows with no label known at all are dropped
        assert frame.loc[late, f"fwd_log_return_{h}m"].isna().all()
        assert frame.loc[late, f"direction_{h}m"].isna().all()
    early = ms(frame["known_time_5m"]) <= AS_OF
    assert frame.loc[early, "fwd_log_return_5m"].notna().mean() > 0.9
    assert check_no_leakage(frame, manifest).passed


def test_leakage_guard_fails_without_the_purge(parts):
    frame, manifest = _build(parts)
    unpurged = {**manifest, "split": {**manifest["split"], "horizon_ms": 0, "embargo_ms": 0}}
    outcome = check_no_leakage(frame, unpurged)
    assert not outcome.passed and any("trains on labels known" in k for k in outcome.metadata["violations"])
    leaked = frame.copy()
    leaked.loc[leaked.index[-1], "fwd_log_return_60m"] = 0.01  # a label the set could not know yet
    outcome = check_no_leakage(leaked, manifest)
    assert not outcome.passed and "known after as_of (60m)" in outcome.metadata["violations"]


def test_manifest_records_inputs_features_labels_and_a_content_hash(parts):
    inputs = {"features": {"2024-03-01": "v1", "2024-03-02": "v2"}, "labels": {"2024-03-01": "v3"}}
    frame, manifest = _build(parts, inputs=inputs)
    _again, same = _build(parts, inputs=inputs)
    assert manifest["inputs"] == inputs
    assert manifest["features"] == ["ret_1", "rv_15", "spread_bps", "hour_of_day"]
    assert manifest["labels"]["horizons_min"] == [5, 15, 60] or manifest["labels"]["horizons_min"] == (
        5,
        15,
        60,
    )
    assert manifest["rows"] == len(frame) and manifest["content_hash"] == same["content_hash"]
    features, labels = parts
    changed = features.assign(ret_1=features["ret_1"] * 2)
    _, other = build_training_set(changed, labels, as_of_ms=AS_OF, feature_names=manifest["features"])
    assert other["content_hash"] != manifest["content_hash"]


def test_bad_inputs_name_the_problem(parts):
    features, labels = parts
    with pytest.raises(ValueError, match="nope"):
        build_training_set(features, labels, as_of_ms=AS_OF, feature_names=["nope"])
    with pytest.raises(ValueError, match=r"\[7\]"):
        build_training_set(
            features,
            labels.assign(horizon_min=7),
            as_of_ms=AS_OF,
            spec=dataclasses.replace(SPEC),
            feature_names=["ret_1"],
        )


def test_a_window_sliced_from_a_longer_span_is_the_set_built_on_that_window(parts):
    """The selection is resolved by slicing the labelled bars of a whole run's span: it must give the
    rows, labels and folds that building the set on the window alone gives."""
    features, labels = parts
    first_day_end = START + DAY_MS
    span = labelled_bars(features, labels, SPEC, ["coin", "time"])
    times = ms(span["time"])
    sliced = known_by(span[times >= first_day_end], AS_OF, SPEC.horizons_min)
    window = features[ms(features["time"]) >= first_day_end]
    alone, manifest = build_training_set(
        window, labels[ms(labels["time"]) >= first_day_end], as_of_ms=AS_OF, feature_names=["ret_1"]
    )
    columns = ["coin", "time", *label_columns(SPEC.horizons_min)]
    assert len(sliced) > 1000
    rows = LabelledBars(span, SPEC.horizons_min).window(first_day_end, END, AS_OF)  # as the selection does
    np.testing.assert_array_equal(rows.times, ms(sliced["time"]))
    np.testing.assert_array_equal(rows.names[rows.codes], sliced["coin"].to_numpy())
    for h in SPEC.horizons_min:
        np.testing.assert_array_equal(rows.known[h], ms(sliced[f"known_time_{h}m"]))
        np.testing.assert_array_equal(rows.returned[h], sliced[f"fwd_log_return_{h}m"].notna().to_numpy())
    assert rows.rows_by_coin() == manifest["rows_by_coin"]
    pd.testing.assert_frame_equal(sliced[columns], alone[columns])
    _, _, record = split_folds(ms(sliced["time"]), SPEC, SplitSpec())
    assert record == manifest["split"]
    assert split_of(record) == SplitSpec(embargo_ms=manifest["split"]["embargo_ms"])
    assert label_spec_of(manifest["labels"]) == SPEC
