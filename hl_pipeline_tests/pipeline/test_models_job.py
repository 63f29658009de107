"""Models for real: a simulator with a planted signal, the market and ml jobs, then training, the
gated promotion, predictions and the backtest through Dagster, MLflow in a temporary store."""

import dagster as dg
import mlflow
import numpy as np
import pytest

from hl_pipeline.cli import main as cli
from hl_pipeline.commands.runs import load_definitions, run_targets
from hl_pipeline.lake.calendar import iso_ms
from hl_pipeline.lake.reader import read_manifest, read_partition
from hl_pipeline.registry.aliases import CHAMPION, version_at
from hl_pipeline.registry.tracking import Tracking
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.pipeline.conftest import run_range

FIRST, LAST, NAME = "2024-02-24", "2024-03-01", "hl_BTC_15m"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A week of candles (retention lifted) with a planted signal, enough out-of-sample rows for the
    gate; the tests below share it and run in file order (each later one builds on the registry)."""
    root = tmp_path_factory.mktemp("models")
    config = SimulatorConfig(seed=7, now_ms=TEST_NOW_MS, signal_strength=1.0, retention=None)
    env = {
        "HL_LAKE_ROOT": str(root / "lake"),
        "HL_WAREHOUSE": str(root / "wh.duckdb"),
        "HL_AS_OF": iso_ms(TEST_NOW_MS),
        "HL_COINS": "BTC,ETH",
        "HL_MLFLOW_ROOT": str(root),
        "HL_TRAINING_DAYS": "7",
        "HL_RETAINED_CANDLES": "0",
    }
    with (
        running_simulator(config, host="127.0.0.1", port=0) as sim,
        pytest.MonkeyPatch.context() as mp,
        dg.instance_for_test() as instance,
    ):
        for key, value in {**env, "HL_API_URL": sim.base_url}.items():
            mp.setenv(key, value)
        defs = load_definitions()
        for job, first in (("market_job", FIRST), ("ml_data_job", FIRST), ("training_job", LAST)):
            assert run_range(defs.resolve_job_def(job), instance, first, LAST).success, job
        yield (
            root / "lake",
            Tracking(root=root),
            run_targets("models_job", instance, ["BTC_5m", "BTC_15m"]),  # two targets, one run
            defs,
            instance,
        )


def test_training_registers_a_version_and_the_gate_decides(trained):
    lake, tracking, models, *_ = trained
    assert models.success
    passed = {e.check_name for e in models.get_asset_check_evaluations() if e.passed}
    assert {"model_sound", "promotion_recorded"} <= passed
    client = tracking.client()
    (version,) = client.search_model_versions(f"name='{NAME}'")
    # the planted signal is found, and makes money net of costs out of sample
    assert version.tags["gate.promote"] == "True", version.tags["promotion_decision"]
    run = client.get_run(version.run_id)
    evidence = run.data.metrics
    assert evidence["oos_accuracy"] >= 0.55 and evidence["gate_p_adjusted"] < 0.05
    assert evidence["oos_net_sharpe_lcb"] > 0 and evidence["oos_net_return"] > 0
    # combinatorial purged cross-validation of the chosen candidate: its paths, their figures and plot
    assert 0 <= evidence["cpcv_paths_positive"] <= 1
    assert evidence["cpcv_net_sharpe_min"] <= evidence["cpcv_net_sharpe_median"]
    plots = {a.path for a in client.list_artifacts(run.info.run_id, "plots")}
    assert "plots/cpcv_paths.png" in plots
    digest = read_manifest(lake, "training_set", LAST).details["digest"]  # type: ignore[union-attr]
    assert run.data.tags["training_set.digest"] == digest and run.data.tags["dagster.partition"] == "BTC_15m"
    (logged,) = run.inputs.dataset_inputs  # the selection it trained on, as MLflow's run inputs show it
    assert logged.dataset.digest == digest[:32] and LAST in logged.dataset.source
    assert (
        "backtest.net_sharpe" in run.data.metrics
        and version_at(tracking, NAME, CHAMPION).version == version.version
    )


def test_each_target_partition_links_its_own_mlflow_run_and_version(trained):
    _lake, tracking, models, _defs, instance = trained
    client = tracking.client()
    for target in ("BTC_5m", "BTC_15m"):
        (version,) = client.search_model_versions(f"name='hl_{target}'")
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("model"), asset_partitions=[target]), limit=1
        ).records
        metadata = records[0].asset_materialization.metadata
        assert version.run_id in metadata["mlflow_run"].value and metadata["target"].value == target
        assert str(metadata["model_version"].value) == str(version.version)
        decided = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("promotion"), asset_partitions=[target]), limit=1
        ).records[0]
        assert decided.asset_materialization.metadata["target"].value == target
    assert models.success
    run = instance.get_run_by_id(models.run_id)  # listed on the job's page in the UI
    assert run is not None and run.tags[".dagster/repository"] == "__repository__@hl_pipeline"


def test_the_champion_loaded_by_alias_matches_the_predictions_asset(trained):
    lake, tracking, _, defs, instance = trained
    assert run_range(defs.resolve_job_def("predictions_job"), instance, LAST, LAST).success
    predictions = read_partition(lake, "predictions", LAST, "BTC")
    assert predictions is not None
    every = predictions.to_pandas()
    assert set(every["model_version"]) == {"1"} and NAME in set(every["model_name"])
    assert set(every["model_name"]) <= {"hl_BTC_5m", NAME}  # each champion of BTC, none of another coin
    stored = every[every["model_name"] == NAME]
    feature_table = read_partition(lake, "features", LAST, "BTC")
    assert feature_table is not None
    features = feature_table.to_pandas()
    with tracking.active():  # restores the module's stores after: later tests' clients resolve through them
        model = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
    direct = model.predict(features[model.metadata.get_input_schema().input_names()])
    assert len(stored) == len(features)
    np.testing.assert_allclose(stored["score"].to_numpy(dtype=float), direct["score"].to_numpy(), rtol=1e-12)


def test_a_second_training_without_new_data_leaves_the_champion(trained):
    _, tracking, _, _, instance = trained
    assert run_targets("models_job", instance, ["BTC_15m"]).success
    versions = {str(v.version): v for v in tracking.client().search_model_versions(f"name='{NAME}'")}
    assert set(versions) == {"1", "2"} and versions["2"].tags["gate.promote"] == "False"
    assert str(version_at(tracking, NAME, CHAMPION).version) == "1"


def test_rollback_without_a_previous_champion_and_a_corrupt_registry_change_nothing(trained, capsys):
    _, tracking, *_ = trained
    assert cli(["models", "rollback", NAME]) == 2
    assert "no 'previous_champion'" in capsys.readouterr().err
    assert str(version_at(tracking, NAME, CHAMPION).version) == "1"
    before = tracking.db_path.read_bytes()
    tracking.db_path.write_bytes(b"not a database" * 100)
    assert cli(["models", "rollback", NAME]) == 2
    assert "unreadable" in capsys.readouterr().err
    assert tracking.db_path.read_bytes() == b"not a database" * 100
    tracking.db_path.write_bytes(before)
