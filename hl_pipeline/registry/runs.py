"""One MLflow run per training: parameters, metrics per step, artifacts, the model and its version."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as installed
from pathlib import Path
from typing import Protocol

import pandas as pd

from hl_pipeline.registry.tracking import Tracking

DIGEST_CHARS = 32
REQUIREMENTS = ("mlflow", "xgboost-cpu", "lightgbm", "scikit-learn", "pandas", "numpy", "cloudpickle")


class FrameModel(Protocol):
    """What the registry stores: a model that maps a feature frame to a frame of predictions."""

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame: ...


@dataclass(frozen=True)
class LoggedModel:
    name: str
    version: str
    run_id: str
    experiment_id: str
    model_uri: str  # models:/NAME/VERSION

    def run_url(self, ui: str = "http://127.0.0.1:5000") -> str:
        return f"{ui}/#/experiments/{self.experiment_id}/runs/{self.run_id}"


@dataclass(frozen=True)
class DatasetInput:
    """The data a run trained on, as MLflow's run inputs show it: a name, a digest, where it lives."""

    name: str
    digest: str
    uri: str  # e.g. file:///lake/training_set/date=2026-01-14


@dataclass(frozen=True)
class RunRecord:
    """What one training run logs: everything but the model is plain data."""

    params: Mapping[str, str]
    metrics: Mapping[str, float]
    step_metrics: Sequence[tuple[int, Mapping[str, float]]] = ()  # (step, metrics), e.g. per fold
    artifacts: Mapping[str, Sequence[Path]] = field(default_factory=dict)  # artifact folder -> files
    tags: Mapping[str, str] = field(default_factory=dict)
    version_tags: Mapping[str, str] = field(default_factory=dict)  # also set on the registered version
    run_name: str | None = None
    dataset: DatasetInput | None = None


def log_model_run(
    tracking: Tracking, name: str, record: RunRecord, model: FrameModel, example: pd.DataFrame
) -> LoggedModel:
    """Log `record` as one run and register `model` (a pyfunc with the signature of `example`) as a
    new version of `name`."""
    import mlflow
    from mlflow.models import infer_signature

    from hl_pipeline.registry.pyfunc_model import DirectionPyfunc

    run_tags = {**record.tags, **record.version_tags}
    with (
        tracking.active() as experiment_id,
        mlflow.start_run(experiment_id=experiment_id, tags=run_tags, run_name=record.run_name) as run,
    ):
        mlflow.log_params(dict(record.params))
        if record.dataset is not None:
            _log_dataset(record.dataset)
        for step, values in record.step_metrics:
            mlflow.log_metrics(_finite(values), step=step)
        mlflow.log_metrics(_finite(record.metrics))
        for folder, paths in record.artifacts.items():
            for path in paths:
                mlflow.log_artifact(str(path), folder)
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=DirectionPyfunc(model),
            input_example=example,
            signature=infer_signature(example, model.predict(example)),
            registered_model_name=name,
            pip_requirements=[f"{p}=={installed(p)}" for p in REQUIREMENTS],
        )
    version = str(info.registered_model_version)
    client = tracking.client()
    for key, value in record.version_tags.items():
        client.set_model_version_tag(name, version, key, value)
    return LoggedModel(name, version, run.info.run_id, experiment_id, f"models:/{name}/{version}")


def _log_dataset(data: DatasetInput) -> None:
    import mlflow
    from mlflow.data.dataset_source_registry import resolve_dataset_source
    from mlflow.data.meta_dataset import MetaDataset

    with warnings.catch_warnings():  # a file:// URI matches two registered local sources, both the same
        warnings.filterwarnings("ignore", "The specified dataset source can be interpreted", UserWarning)
        source = resolve_dataset_source(data.uri)
    # the tracking store keeps at most 36 characters of a dataset digest
    meta = MetaDataset(source, name=data.name, digest=data.digest[:DIGEST_CHARS])  # type: ignore[abstract]
    mlflow.log_input(meta, context="training")


def _finite(values: Mapping[str, float]) -> dict[str, float]:
    return {k: float(v) for k, v in values.items() if math.isfinite(v)}


def log_metrics(tracking: Tracking, run_id: str, values: Mapping[str, float]) -> None:
    """Log the finite `values` to an existing run (NaN and infinities are left out)."""
    client = tracking.client()
    for key, value in _finite(values).items():
        client.log_metric(run_id, key, value)
