"""Features, labels and the training set for real: a market run, then the ml data job, twice."""

import pytest

from hl_pipeline.commands.runs import load_definitions
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
