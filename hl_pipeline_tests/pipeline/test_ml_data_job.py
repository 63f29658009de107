"""Features, labels and the training set for real: a market run, then the ml data job, twice."""

import dataclasses
import json

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.errors import PreconditionError
from hl_pipeline.lake.manifest import MANIFEST_KEY
from hl_pipeline.lake.reader import read_manifest, read_range
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.ml.labels import LabelSpec
from hl_pipeline.ml.training_set import SplitSpec, build_training_set
from hl_pipeline.steps.data_checks import training_set_outcomes
from hl_pipeline.steps.training_sets import build_training_partitions, read_training_set
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.lake.helpers import manifest_of, partition_of
from hl_pipeline_tests.pipeline.conftest import run_range

FIRST, LAST = "2024-02-28", "2024-03-01"  # the clock is frozen at 2024-03-01 12:30 UTC


@pytest.fixture
def ml_runs(pipeline_env, instance, monkeypatch):
    monkeypatch.setenv("HL_TRAINING_DAYS", "3")
    monkeypatch.setenv("HL_FOLDS", "3")
    defs = load_definitions()
    market = run_range(defs.resolve_job_def("market_job"), instance, FIRST, LAST)
    job = defs.resolve_job_def("ml_data_job")
    return (
        pipeline_env,
        market,
        run_range(job, instance, FIRST, LAST),
        lambda: run_range(job, instance, FIRST, LAST),
    )


def test_features_labels_and_training_set_are_written_with_their_checks(ml_runs):
    lake, market, ml, _ = ml_runs
    assert market.success and ml.success
    evaluations = {(e.check_name, e.partition) for e in ml.get_asset_check_evaluations() if e.passed}
    for day in ("2024-02-28", "2024-02-29", "2024-03-01"):
        assert ("features_present_where_inputs_are", day) in evaluations
        assert ("training_set_no_leakage", day) in evaluations
        assert ("training_set_inputs_unchanged", day) in evaluations
    today = partition_of(lake, "features", LAST, "BTC")
    assert today.num_rows == 12 * 60 + 30  # bars closed by 12:30, none beyond
    manifest = manifest_of(lake, "features", LAST, "ETH")
    assert set(manifest.inputs["candles"]) == {
        "BTC/2024-02-29",
        "BTC/2024-03-01",
        "ETH/2024-02-29",
        "ETH/2024-03-01",
    }
    assert (
        manifest.inputs["candles"]["ETH/2024-03-01"] == manifest_of(lake, "candles", LAST, "ETH").content_hash
    )


def test_labels_not_knowable_yet_are_missing_never_wrong(ml_runs):
    lake, *_ = ml_runs
    labels = partition_of(lake, "labels", LAST, "BTC").to_pandas()
    known = labels["known_time"].astype("int64") // 10**6 <= 1_709_296_200_000
    assert (
        labels.loc[~known, "fwd_log_return"].isna().all()
        and labels.loc[known, "fwd_log_return"].notna().any()
    )
    previous = partition_of(lake, "labels", "2024-02-29", "BTC").to_pandas()
    assert (
        previous["fwd_log_return"].notna().all()
    )  # the next day's candles exist: the day boundary is labelled


def test_a_rerun_rewrites_identical_partitions(ml_runs):
    lake, _, _, rerun = ml_runs
    before = {
        d: manifest_of(lake, d, LAST, None if d == "training_set" else "BTC").content_hash
        for d in ("features", "labels", "training_set")
    }
    assert rerun().success
    after = {
        d: manifest_of(lake, d, LAST, None if d == "training_set" else "BTC").content_hash
        for d in ("features", "labels", "training_set")
    }
    assert before == after
    training = manifest_of(lake, "training_set", LAST, None)
    assert len(training.details["split"]["folds"]) == 3 and training.inputs["features"]


def test_the_training_set_is_a_selection_read_back_from_its_inputs(ml_runs):
    lake, *_ = ml_runs
    selection = partition_of(lake, "training_set", LAST).to_pandas()
    manifest = manifest_of(lake, "training_set", LAST)
    window = ["2024-02-28", "2024-02-29", "2024-03-01"]
    assert len(selection) == 2 * 2 * 3  # features and labels x 2 coins x 3 days, no rows copied
    assert selection.groupby("dataset").size().to_dict() == {"features": 6, "labels": 6}
    for row in selection.itertuples():
        assert (
            row.content_hash
            == manifest_of(lake, row.dataset, row.time.strftime("%Y-%m-%d"), row.coin).content_hash
        )
    frame, read = read_training_set(lake, LAST)
    assert read.details["digest"] == manifest.details["digest"] and len(frame) == manifest.details["rows"]
    features = read_range(lake, "features", window, ["BTC", "ETH"]).to_pandas()
    labels = read_range(lake, "labels", window, ["BTC", "ETH"]).to_pandas()
    names = manifest.details["features"]
    assert "venue_basis_bps" not in names and "ret_1" in names  # no venue data in this window
    built, _ = build_training_set(
        features,
        labels,
        as_of_ms=manifest.details["as_of"],
        spec=LabelSpec(),
        split=SplitSpec(n_folds=3),
        feature_names=names,
    )
    pd.testing.assert_frame_equal(frame, built)
    btc, _ = read_training_set(lake, LAST, ["BTC"])
    pd.testing.assert_frame_equal(
        btc.drop(columns="fold"), built[built["coin"] == "BTC"].reset_index(drop=True).drop(columns="fold")
    )


def _rewrite_doubled(lake, date: str, coin: str) -> None:
    """Rewrite a features partition with other content (ret_1 doubled), as a later run might."""
    table = partition_of(lake, "features", date, coin)
    changed = table.set_column(
        table.schema.get_field_index("ret_1"), "ret_1", pc.multiply(table["ret_1"], 2.0)
    )
    old = manifest_of(lake, "features", date, coin)
    write_partition(lake, changed, dataclasses.replace(old, details=dict(old.details)))


def test_a_training_set_whose_inputs_changed_is_refused_and_fails_its_check(ml_runs):
    lake, *_ = ml_runs
    _rewrite_doubled(lake, "2024-02-28", "ETH")  # a settled day: read from the lake, not frozen
    with pytest.raises(PreconditionError, match=r"features ETH/2024-02-28 \(recorded"):
        read_training_set(lake, LAST)
    outcomes = {o.check: o for o in training_set_outcomes(lake, [LAST])}
    assert not outcomes["training_set_inputs_unchanged"].passed
    assert (
        outcomes["training_set_inputs_unchanged"].metadata["changed"][0].startswith("features ETH/2024-02-28")
    )


def test_a_day_too_short_to_split_is_skipped_by_name_and_the_others_are_written(ml_runs):
    """A window with no rows (before the first features) or too few distinct bars for its folds is
    not written, with its reason; the other days of the range are; a range of such days raises."""
    lake, *_ = ml_runs
    coins, now = ["BTC", "ETH"], TEST_NOW_MS
    written, skipped = build_training_partitions(lake, ["2024-02-20", LAST], 1, coins, now)
    assert [m.date for m in written] == [LAST] and list(skipped) == ["2024-02-20"]
    assert "no labelled feature rows" in skipped["2024-02-20"]
    assert read_manifest(lake, "training_set", "2024-02-20") is None
    many = SplitSpec(n_folds=5_000)  # a day has 1,440 distinct bars at most
    with pytest.raises(PreconditionError, match=r"2024-02-28: .*n_folds=5000 needs at least 5001 distinct"):
        build_training_partitions(lake, ["2024-02-28"], 1, coins, now, split=many)


def test_inputs_still_being_written_are_frozen_with_the_set(ml_runs):
    """Today's and yesterday's partitions are rewritten as bars close and labels become known: the set
    keeps snapshots of them, so training reads what the set selected, whatever runs since."""
    lake, *_ = ml_runs
    manifest = manifest_of(lake, "training_set", LAST)
    frozen = manifest.details["frozen"]
    assert set(frozen["features"]) == {f"{c}/{d}" for c in ("BTC", "ETH") for d in ("2024-02-29", LAST)}
    folder = lake / "training_set" / f"date={LAST}"
    assert sorted(p.name for p in folder.glob("*.snapshot")) == sorted(
        n for named in frozen.values() for n in named.values()
    )
    before, _ = read_training_set(lake, LAST)
    _rewrite_doubled(lake, LAST, "BTC")
    after, _ = read_training_set(lake, LAST)
    pd.testing.assert_frame_equal(before, after)
    assert {o.check: o.passed for o in training_set_outcomes(lake, [LAST])} == {
        "training_set_inputs_unchanged": True,
        "training_set_no_leakage": True,
    }
    assert manifest_of(lake, "training_set", "2024-02-28").details["frozen"] == {}  # all settled


def test_a_training_set_written_as_a_copy_by_older_code_is_refused_by_name(ml_runs):
    lake, *_ = ml_runs
    path = lake / "training_set" / f"date={LAST}" / "part-0.parquet"
    table = pq.read_table(path)
    manifest = manifest_of(lake, "training_set", LAST)
    old = {**json.loads(manifest.to_json()), "details": {"as_of": 0, "features": [], "split": {}}}
    pq.write_table(table.replace_schema_metadata({MANIFEST_KEY: json.dumps(old).encode()}), path)
    with pytest.raises(PreconditionError, match=f"training_set {LAST} was written by code .* as a copy"):
        read_training_set(lake, LAST)
    outcomes = {o.check: o for o in training_set_outcomes(lake, [LAST])}
    assert not outcomes["training_set_inputs_unchanged"].passed
    assert "as a copy of its rows" in outcomes["training_set_no_leakage"].description


def test_a_truncated_features_partition_is_quarantined_and_rebuilt(ml_runs):
    from hl_pipeline.lake.paths import partition_file
    from hl_pipeline.lake.quarantine import records

    lake, _, _, rerun = ml_runs
    path = partition_file(lake, "features", "2024-02-29", "BTC")
    good = manifest_of(lake, "features", "2024-02-29", "BTC").content_hash
    path.write_bytes(path.read_bytes()[:1000])
    again = rerun()
    assert again.success
    # the features step rewrites the partition; the training sets' snapshots shared its torn file (a
    # hard link) and are quarantined when read, then made again
    moved = sorted(r["path"] for r in records(lake))
    assert moved == [
        f"training_set/date={d}/features-BTC-2024-02-29-{good[:16]}.snapshot" for d in ("2024-02-29", LAST)
    ]
    assert manifest_of(lake, "features", "2024-02-29", "BTC").content_hash == good  # rebuilt as it was
    evaluations = {(e.check_name, e.partition): e.passed for e in again.get_asset_check_evaluations()}
    assert evaluations[("training_set_inputs_unchanged", LAST)]
    read_training_set(lake, LAST)  # reads back whole
    assert partition_of(lake, "features", "2024-02-29", "ETH").num_rows == 1440  # the others untouched
