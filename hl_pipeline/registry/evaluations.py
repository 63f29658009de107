"""A training's evaluation kept with its MLflow run, so the promotion step gates exactly what was
trained: any picklable object, stored as one artifact of the run."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path
from typing import Any

from hl_pipeline.registry.errors import RegistryError
from hl_pipeline.registry.tracking import Tracking

ARTIFACT = "evaluation/evaluation.pkl"


def log_evaluation(tracking: Tracking, run_id: str, evaluation: Any) -> None:
    client = tracking.client()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(ARTIFACT).name
        path.write_bytes(pickle.dumps(evaluation))
        client.log_artifact(run_id, str(path), str(Path(ARTIFACT).parent))


def load_evaluation(tracking: Tracking, run_id: str) -> Any:
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
