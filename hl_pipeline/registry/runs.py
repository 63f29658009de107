"""One MLflow run per training: parameters, metrics, plots, the model and its registered version."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from importlib.metadata import version as installed
from pathlib import Path

from hl_pipeline.ml.models import plots
from hl_pipeline.ml.models.walkforward import Evaluation
from hl_pipeline.registry.tracking import Tracking

REQUIREMENTS = ("mlflow", "xgboost-cpu", "scikit-learn", "pandas", "numpy", "cloudpickle")


@dataclass(frozen=True)
class LoggedModel:
    name: str
    version: str
    run_id: str
    experiment_id: str
    model_uri: str  # models:/NAME/VERSION

    def run_url(self, ui: str = "http://127.0.0.1:5000") -> str:
        return f"{ui}/#/experiments/{self.experiment_id}/runs/{self.run_id}"


def log_training(
    tracking: Tracking,
    name: str,
    ev: Evaluation,
    *,
    tags: dict[str, str] | None = None,
    example_rows: int = 5,
) -> LoggedModel:
    """Log `ev` as one run (tags such as the training-set manifest hash, Dagster run id and partition
    window go in `tags`) and register its final model as a new version of `name`."""
    import mlflow
    from mlflow.models import infer_signature

    from hl_pipeline.registry.pyfunc_model import DirectionPyfunc

    if ev.final is None:
        raise ValueError("the evaluation has no final model (evaluate(..., fit_final=True))")
    example = ev.rows[list(ev.target.features)].head(example_rows)
    run_tags = {**(tags or {}), **_target_tags(ev)}
    with (
        tracking.active() as experiment_id,
        mlflow.start_run(experiment_id=experiment_id, tags=run_tags) as run,
    ):
        mlflow.log_params(_params(ev))
        for fold in ev.folds:
            for kind, values in fold.metrics.items():
                mlflow.log_metrics(
                    _finite({f"fold.{kind}.{k}": v for k, v in values.items()}), step=fold.index
                )
        for kind, values in ev.aggregate.items():
            mlflow.log_metrics(_finite({f"{kind}.{k}": v for k, v in values.items()}))
        with tempfile.TemporaryDirectory() as tmp:
            oos = ev.oos
            primary = oos[f"pred_{ev.primary}"].to_numpy()
            mlflow.log_artifact(
                str(plots.importance_png(ev.final, Path(tmp) / "feature_importance.png")), "plots"
            )
            mlflow.log_artifact(
                str(
                    plots.confusion_png(
                        ev.classes[oos["code"].to_numpy()],
                        ev.classes[primary],
                        ev.classes,
                        Path(tmp) / "confusion_matrix.png",
                    )
                ),
                "plots",
            )
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=DirectionPyfunc(ev.final),
            input_example=example,
            signature=infer_signature(example, ev.final.predict(example)),
            registered_model_name=name,
            pip_requirements=[f"{p}=={installed(p)}" for p in REQUIREMENTS],
        )
    version = str(info.registered_model_version)
    client = tracking.client()
    for key, value in _target_tags(ev).items():
        client.set_model_version_tag(name, version, key, value)
    return LoggedModel(name, version, run.info.run_id, experiment_id, f"models:/{name}/{version}")


def _target_tags(ev: Evaluation) -> dict[str, str]:
    t = ev.target
    return {
        "target.label": t.label,
        "target.ret": t.ret,
        "target.horizon_ms": str(t.horizon_ms),
        "train_end_ms": str(ev.train_end_ms),
        "candidate": ev.primary,
    }


def _params(ev: Evaluation) -> dict[str, str]:
    flat = {f"xgb.{k}": v for k, v in ev.params["xgb"].items()}
    flat |= {f"walk_forward.{k}": v for k, v in ev.params["walk_forward"].items()}
    flat |= {
        "candidates": ",".join(ev.params["kinds"]),
        "rows": ev.params["rows"],
        "n_features": len(ev.target.features),
        "features": ",".join(ev.target.features)[:6000],
        "classes": ",".join(str(c) for c in ev.classes),
    }
    return {k: str(v) for k, v in flat.items()}


def _finite(values: dict[str, float]) -> dict[str, float]:
    return {k: float(v) for k, v in values.items() if math.isfinite(v)}
