"""MLflow runs, versions, gated promotion, rollback and bad stores (one store per module: MLflow's
schema setup is slow)."""

from __future__ import annotations

import json
import subprocess
import sys

import mlflow
import numpy as np
import pandas as pd
import pytest

from hl_pipeline.ml.models import synthetic, walkforward
from hl_pipeline.ml.models.config import GateConfig, TradingConfig, WalkForward, XGBConfig
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.ml.models.target_spec import Target
from hl_pipeline.registry import aliases
from hl_pipeline.registry.errors import NothingToRollBack, RegistryError
from hl_pipeline.registry.loading import load
from hl_pipeline.registry.tracking import Tracking
from hl_pipeline.steps.promotion import promote_round
from hl_pipeline.steps.training import log_training
from hl_pipeline_tests.ml.models.conftest import EVIDENCE

TARGET = Target(tuple(f"f{i}" for i in range(6)), "dir_15m", "fwd_ret_15m", 15 * 60_000, 15)
XGB = XGBConfig(n_estimators=40, max_depth=3, learning_rate=0.1)
WALK = WalkForward(n_folds=3)
KEY = TargetKey("BTC", 15)
NAME = KEY.model_name
TAGS = {
    "training_set.manifest_hash": "abc123",
    "dagster_run_id": "run-1",
    "partition_window": "2025-01-01..2025-01-04",
}


@pytest.fixture(scope="module")
def data():
    return synthetic.frame(bars=8000, coins=2, strength=0.3, seed=5)


def promote(tracking):
    """One round of the gate over KEY's newest version."""
    (done,) = promote_round(tracking, [KEY], GateConfig(), TradingConfig())
    return done.decision


@pytest.fixture(scope="module")
def store(tmp_path_factory, data):
    """A store after the first training: v1 promoted over the majority baseline."""
    tracking = Tracking(root=tmp_path_factory.mktemp("mlflow"))
    ev = walkforward.evaluate(
        data[data["time"] < data["time"].min() + np.timedelta64(5000, "m")],
        TARGET,
        xgb=XGB,
        walk=WALK,
        kinds=("xgboost", "majority", "logistic"),
    )
    logged = log_training(tracking, NAME, ev, tags=TAGS)
    decision = promote(tracking)
    return tracking, ev, logged, decision


def test_the_stored_evaluation_is_json_and_parquet_and_gates_as_the_trained_one(store):
    from hl_pipeline.ml.models.gate import gate
    from hl_pipeline.ml.models.walkforward import evaluation_record, trimmed
    from hl_pipeline.steps.training import stored_evaluation

    tracking, ev, logged, _ = store
    names = {a.path for a in tracking.client().list_artifacts(logged.run_id, "evaluation")}
    assert names == {"evaluation/fields.json", "evaluation/oos.parquet", "evaluation/rows.parquet"}
    stored, kept = stored_evaluation(tracking, logged.run_id), trimmed(ev)
    pd.testing.assert_frame_equal(stored.oos, kept.oos)
    pd.testing.assert_frame_equal(stored.rows, kept.rows)
    assert (stored.target, stored.primary, stored.train_end_ms) == (
        kept.target,
        kept.primary,
        kept.train_end_ms,
    )
    assert stored.classes.tolist() == kept.classes.tolist() and stored.classes.dtype == kept.classes.dtype
    fields = [json.dumps(evaluation_record(e)[0], sort_keys=True) for e in (stored, kept)]  # NaN-safe
    assert fields[0] == fields[1]
    assert gate(stored) == gate(kept)  # the promotion decides on exactly what was trained
    oos_columns = set(stored.oos.columns)
    assert {"ret_1", "score_xgboost", "code", "ret"} <= oos_columns  # what the backtest trades


def test_first_training_is_logged_registered_and_promoted(store):
    tracking, ev, logged, decision = store
    assert logged.version == "1" and decision.promote, decision.reason
    assert logged.run_url().endswith(f"/runs/{logged.run_id}")
    client = tracking.client()
    run = client.get_run(logged.run_id)
    assert {k: run.data.tags[k] for k in TAGS} == TAGS
    assert run.data.tags["gate.promote"] == "True" and run.data.tags["promotion_decision"].startswith(
        "promoted"
    )
    assert set(run.data.metrics) >= EVIDENCE and run.data.metrics["oos_net_sharpe_lcb"] > 0
    assert (
        client.get_model_version(NAME, "1").tags["promotion_decision"] == run.data.tags["promotion_decision"]
    )
    assert run.data.params["xgb.n_estimators"] == "40" and run.data.params["walk_forward.n_folds"] == "3"
    assert {"xgboost.accuracy", "majority.accuracy", "logistic.ic", "xgboost.auc", "xgboost.log_loss"} <= set(
        run.data.metrics
    )
    assert len(client.get_metric_history(logged.run_id, "fold.xgboost.balanced_accuracy")) == 3
    plots = {a.path for a in client.list_artifacts(logged.run_id, "plots")}
    assert plots == {"plots/feature_importance.png", "plots/confusion_matrix.png", "plots/reliability.png"}
    assert 0 < run.data.metrics["oos_brier"] < 0.25  # calibrated better than a coin flip on a planted signal
    kept = {a.path for a in client.list_artifacts(logged.run_id, "diagnostics")}
    assert kept == {"diagnostics/permutation_importance.csv", "diagnostics/drift_reference.json"}
    importance = pd.read_csv(
        tracking.local_artifacts(f"{run.info.artifact_uri}/diagnostics") / "permutation_importance.csv"
    )
    assert importance["feature"].iloc[0] == "f0"  # the planted feature matters most out of sample
    assert (tracking.root / "mlruns" / "mlflow.db").exists() and (
        tracking.root / "mlruns" / "artifacts"
    ).is_dir()
    version = aliases.version_at(tracking, NAME, aliases.CHAMPION)
    assert str(version.version) == "1" and version.tags["train_end_ms"] == str(ev.train_end_ms)


def test_pyfunc_by_alias_predicts_like_the_model(store, data):
    tracking, ev, _, _ = store
    rows = data.tail(50)
    with tracking.active():
        model = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
    served = model.predict(rows[list(TARGET.features)])
    direct = ev.final.predict(rows)
    assert list(served.columns) == ["pred_class", "score", "prob_down", "prob_up"]
    np.testing.assert_array_equal(served["pred_class"].to_numpy(), direct["pred_class"].to_numpy())
    np.testing.assert_allclose(served["score"].to_numpy(), direct["score"].to_numpy(), rtol=1e-6)
    assert load(tracking, NAME).predict(rows)["score"].shape == (50,)  # extra columns are ignored


def test_second_training_no_better_leaves_the_champion(store, data):
    tracking, _, _, _ = store
    weaker = XGBConfig(n_estimators=2, max_depth=1, colsample_bytree=0.3, seed=1)  # no better than v1
    ev2 = walkforward.evaluate(data, TARGET, xgb=weaker, walk=WALK, kinds=("xgboost", "majority"))
    log_training(tracking, NAME, ev2, tags=TAGS | {"dagster_run_id": "run-2"})
    decision = promote(tracking)
    assert not decision.promote and decision.against == "champion v1 and baselines"
    assert "champion" in decision.assessment.p_values
    assert decision.assessment.n_trials == 2 * 2  # two versions of two candidates
    assert decision.assessment.n_bars > 1000  # only bars newer than v1's training labels
    assert str(aliases.version_at(tracking, NAME, aliases.CHAMPION).version) == "1"
    challenger = aliases.version_at(tracking, NAME, aliases.CHALLENGER)
    assert (
        str(challenger.version) == "2" and challenger.tags["promotion_decision"] == "held: " + decision.reason
    )


def test_promotion_then_rollback_and_nothing_left_to_roll_back(store):
    tracking, _, _, _ = store
    aliases.apply(tracking, NAME, "2", True, {"promotion_decision": "promoted: forced in a test"})
    assert str(aliases.version_at(tracking, NAME, aliases.CHAMPION).version) == "2"
    assert str(aliases.version_at(tracking, NAME, aliases.PREVIOUS).version) == "1"
    assert aliases.version_at(tracking, NAME, aliases.CHALLENGER) is None
    assert aliases.rollback(tracking, NAME) == "1"
    assert str(aliases.version_at(tracking, NAME, aliases.CHAMPION).version) == "1"
    with pytest.raises(RegistryError, match="@nobody"):
        load(tracking, NAME, alias="nobody")
    with pytest.raises(NothingToRollBack, match=f"'{NAME}'"):
        aliases.rollback(tracking, NAME)
    assert str(aliases.version_at(tracking, NAME, aliases.CHAMPION).version) == "1"
    with pytest.raises(RegistryError, match="no registered model 'nope'"):
        aliases.rollback(tracking, "nope")


def test_corrupt_registry_is_a_clear_error_and_is_left_alone(tmp_path, store):
    _, ev, _, _ = store
    tracking = Tracking(root=tmp_path)
    db = tracking.db_path
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    before = db.read_bytes()
    for action in (
        lambda: aliases.rollback(tracking, NAME),
        lambda: log_training(tracking, NAME, ev),
        lambda: aliases.version_at(tracking, NAME, aliases.CHAMPION),
    ):
        with pytest.raises(RegistryError, match="unreadable"):
            action()
    assert db.read_bytes() == before and sorted(p.name for p in db.parent.iterdir()) == ["mlflow.db"]
    db.write_bytes(b"")
    with pytest.raises(RegistryError, match="not an MLflow store"):
        aliases.rollback(tracking, NAME)
    assert db.read_bytes() == b""


def test_missing_registry_is_a_clear_error_and_creates_nothing(tmp_path):
    tracking = Tracking(root=tmp_path / "nowhere")
    with pytest.raises(RegistryError, match="no MLflow registry"):
        aliases.rollback(tracking, NAME)
    with pytest.raises(RegistryError, match="no MLflow registry"):
        load(tracking, NAME)
    assert not (tmp_path / "nowhere").exists()


def test_packages_import_without_mlflow_xgboost_or_sklearn():
    code = (
        "import sys, hl_pipeline.steps.promotion, hl_pipeline.steps.training, "
        "hl_pipeline.ml.models.backtest; "
        "print(sorted(m for m in ('mlflow', 'xgboost', 'sklearn', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
