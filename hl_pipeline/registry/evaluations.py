"""A training's evaluation kept with its MLflow run, so the promotion step gates exactly what was
trained: plain fields as JSON and tables as Parquet under the run's `evaluation/` folder."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from hl_pipeline.registry.errors import RegistryError
from hl_pipeline.registry.tracking import Tracking

FOLDER = "evaluation"
FIELDS = "fields.json"


def log_evaluation(
    tracking: Tracking, run_id: str, fields: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
) -> None:
    client = tracking.client()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / FIELDS).write_text(json.dumps(fields, sort_keys=True))
        for name, table in tables.items():
            table.to_parquet(folder / f"{name}.parquet")
        client.log_artifacts(run_id, tmp, FOLDER)


def load_evaluation(tracking: Tracking, run_id: str) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The (fields, tables) logged with `run_id`; RegistryError if the run has none."""
    from mlflow.exceptions import MlflowException

    try:
        run = tracking.client().get_run(run_id)
        local = tracking.local_artifacts(f"{run.info.artifact_uri}/{FOLDER}")
    except (MlflowException, OSError) as exc:
        raise RegistryError(f"run {run_id} has no {FOLDER}/ artifacts: {exc}") from exc
    if not (local / FIELDS).exists():
        raise RegistryError(
            f"run {run_id} has no {FOLDER}/{FIELDS} (trained before evaluations were stored as JSON?)"
        )
    tables = {path.stem: pd.read_parquet(path) for path in sorted(local.glob("*.parquet"))}
    return json.loads((local / FIELDS).read_text()), tables
