"""A training's evaluation kept with its MLflow run, so the promotion step gates exactly what was
trained: out-of-sample predictions of every fold, and the feature rows of the last fold."""

from __future__ import annotations

import dataclasses
import pickle
import tempfile
from pathlib import Path

from hl_pipeline.ml.models.walkforward import Evaluation
from hl_pipeline.registry.errors import RegistryError
from hl_pipeline.registry.tracking import Tracking

ARTIFACT = "evaluation/evaluation.pkl"


def trimmed(ev: Evaluation) -> Evaluation:
    """`ev` without its final model, keeping only the rows the gate scores (the last fold's test rows)."""
    oos = ev.oos.copy()
    last = oos["fold"] == oos["fold"].max()
    kept = oos.loc[last, "row"].to_numpy()
    rows = ev.rows.iloc[kept].reset_index(drop=True)
    oos.loc[last, "row"] = range(len(kept))
    oos.loc[~last, "row"] = -1
    return dataclasses.replace(ev, oos=oos, rows=rows, final=None)


def log_evaluation(tracking: Tracking, run_id: str, ev: Evaluation) -> None:
    client = tracking.client()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(ARTIFACT).name
        path.write_bytes(pickle.dumps(trimmed(ev)))
        client.log_artifact(run_id, str(path), str(Path(ARTIFACT).parent))


def load_evaluation(tracking: Tracking, run_id: str) -> Evaluation:
    """The evaluation logged with `run_id`; RegistryError if the run has none."""
    import mlflow
    from mlflow.exceptions import MlflowException

    tracking.check(must_exist=True)
    with tracking.active():
        try:
            local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path=ARTIFACT)
        except (MlflowException, OSError) as exc:
            raise RegistryError(f"run {run_id} has no {ARTIFACT}: {exc}") from exc
    return pickle.loads(Path(local).read_bytes())
