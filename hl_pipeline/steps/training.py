"""Training a target: walk-forward evaluation on the newest training set, one MLflow run with
its metrics and plots, a new registered version, the evaluation kept for the gate."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from hl_pipeline.lake.paths import partition_dir
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.features.catalog import bar_ms
from hl_pipeline.ml.models.config import TradingConfig, XGBConfig
from hl_pipeline.ml.models.target_keys import TargetKey, target_rows
from hl_pipeline.ml.models.walkforward import Evaluation
from hl_pipeline.registry.runs import DatasetInput, LoggedModel, RunRecord
from hl_pipeline.registry.tracking import Tracking
from hl_pipeline.steps.coin_days import Log, quiet
from hl_pipeline.steps.training_sets import newest_training_set, read_training_set


@dataclass(frozen=True)
class Trained:
    key: TargetKey
    version: str
    run_id: str
    run_url: str
    training_date: str
    training_digest: str
    aggregate: dict
    rows: int
    candidate: str  # the one chosen and registered
    selection: dict  # candidate -> annualised net Sharpe over the selection folds


def train_target(
    root: Location,
    tracking: Tracking,
    key: TargetKey,
    today: str,
    *,
    bar: str,
    xgb: XGBConfig,
    trading: TradingConfig,
    tags: Mapping[str, str],
    ui_url: str,
    log: Log = quiet,
) -> Trained:
    """Walk-forward evaluate `key` on the newest training set, log the run, register a version."""
    from hl_pipeline.ml.models.config import WalkForward
    from hl_pipeline.ml.models.walkforward import evaluate

    date = newest_training_set(root, today)
    frame, manifest = read_training_set(root, date, [key.coin])
    digest = manifest.details["digest"]
    rows, target, folds = target_rows(frame, manifest.details, key, bar_ms(bar))
    log(
        f"{key.key}: training on {len(rows)} rows of training_set {date} "
        f"({len(folds)} folds, digest {digest[:12]})"
    )
    ev = evaluate(rows, target, xgb=xgb, walk=WalkForward(n_folds=len(folds)), folds=folds, trading=trading)
    chosen_by = _rounded(ev.params["selection_sharpe"])
    log(f"{key.key}: chose {ev.primary} (net Sharpe over the selection folds: {chosen_by})")
    ev, curves = with_paths(ev, xgb=xgb, trading=trading)
    log(f"{key.key}: CPCV net Sharpe of {ev.primary} per path: {ev.params['cpcv']['net_sharpes']}")
    run_tags = {
        **tags,
        "training_set.date": date,
        "training_set.digest": digest,
        "target": key.key,
    }
    data = DatasetInput(
        f"training_set {date} ({key.coin})", digest, partition_dir(root, "training_set", date).as_uri()
    )
    logged = log_training(
        tracking, key.model_name, ev, tags=run_tags, run_name=f"{key.key} {date}", dataset=data, curves=curves
    )
    return Trained(
        key,
        logged.version,
        logged.run_id,
        logged.run_url(ui_url),
        date,
        digest,
        ev.aggregate,
        len(ev.rows),
        ev.primary,
        ev.params["selection_sharpe"],
    )


def with_paths(
    ev: Evaluation, *, xgb: XGBConfig, trading: TradingConfig
) -> tuple[Evaluation, pd.DataFrame | None]:
    """`ev` with its chosen candidate's CPCV paths in `params["cpcv"]`, and the paths' net returns
    (None, and `ev` unchanged, when the rows are too few to cut into the groups)."""
    from hl_pipeline.errors import ConfigError
    from hl_pipeline.ml.models import cpcv

    try:
        record, curves = cpcv.paths(ev, xgb=xgb, trading=trading)
    except ConfigError:
        return ev, None
    return replace(ev, params={**ev.params, "cpcv": record.as_dict()}), curves


def _rounded(values: Mapping[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in values.items())


def log_training(
    tracking: Tracking,
    name: str,
    ev: Evaluation,
    *,
    tags: Mapping[str, str] | None = None,
    run_name: str | None = None,
    dataset: DatasetInput | None = None,
    curves: pd.DataFrame | None = None,
) -> LoggedModel:
    """Log `ev` as one run with its plots (and its CPCV paths' `curves`), register its final model as a
    new version of `name`, and keep the (trimmed) evaluation with the run for the gate."""
    from hl_pipeline.ml.models import plots
    from hl_pipeline.ml.models.cpcv import PathRecord
    from hl_pipeline.ml.models.walkforward import NO_LABEL, evaluation_record, trimmed
    from hl_pipeline.registry.evaluations import log_evaluation
    from hl_pipeline.registry.runs import log_model_run

    if ev.final is None:
        raise ValueError("the evaluation has no final model (evaluate(..., fit_final=True))")
    with tempfile.TemporaryDirectory() as tmp:
        oos = ev.oos[ev.oos["code"] != NO_LABEL]
        primary = oos[f"pred_{ev.primary}"].to_numpy()
        importance = plots.importance_png(ev.final, Path(tmp) / "feature_importance.png")
        confusion = plots.confusion_png(
            ev.classes[oos["code"].to_numpy()],
            ev.classes[primary],
            ev.classes,
            Path(tmp) / "confusion_matrix.png",
        )
        checked, files = _diagnostics(ev, Path(tmp))
        if "cpcv" in ev.params:
            checked |= PathRecord(**ev.params["cpcv"]).metrics()
        if curves is not None:
            title = f"{ev.primary}: net equity on each CPCV path"
            files["plots"].append(plots.cpcv_png(curves, Path(tmp) / "cpcv_paths.png", title))
        record = RunRecord(
            params=_params(ev),
            metrics={
                **{f"{kind}.{k}": v for kind, values in ev.aggregate.items() for k, v in values.items()},
                **{f"{kind}.selection_net_sharpe": v for kind, v in ev.params["selection_sharpe"].items()},
                **checked,
            },
            step_metrics=[
                (
                    fold.index,
                    {
                        f"fold.{kind}.{k}": v
                        for kind, values in fold.metrics.items()
                        for k, v in values.items()
                    },
                )
                for fold in ev.folds
            ],
            artifacts={
                "plots": [importance, confusion, *files["plots"]],
                "diagnostics": files["diagnostics"],
            },
            tags=dict(tags or {}),
            version_tags=_target_tags(ev),
            run_name=run_name,
            dataset=dataset,
        )
        logged = log_model_run(tracking, name, record, ev.final, ev.rows[list(ev.target.features)].head(5))
    log_evaluation(tracking, logged.run_id, *evaluation_record(trimmed(ev)))
    return logged


def _diagnostics(ev: Evaluation, folder: Path) -> tuple[dict[str, float], dict[str, list[Path]]]:
    """Calibration of the chosen candidate out of sample (Brier score, reliability plot), its held-out
    permutation importance, and the training distribution of every feature (what live drift is
    measured against, in `diagnostics/drift_reference.json`)."""
    import json

    from hl_pipeline.ml import drift
    from hl_pipeline.ml.models import diagnostics, plots
    from hl_pipeline.ml.models.walkforward import NO_LABEL

    labelled = ev.oos[ev.oos["code"] != NO_LABEL]
    metrics: dict[str, float] = {}
    files: dict[str, list[Path]] = {"plots": [], "diagnostics": []}
    if len(ev.classes) == 2 and len(labelled):
        prob_up = (labelled[f"score_{ev.primary}"].to_numpy(dtype=float) + 1.0) / 2.0
        up = (labelled["code"].to_numpy() == 1).astype(float)
        metrics["oos_brier"] = diagnostics.brier_score(prob_up, up)
        table = diagnostics.reliability(prob_up, up)
        files["plots"].append(
            plots.reliability_png(table, folder / "reliability.png", title=f"{ev.primary}, out of sample")
        )
    if ev.importance is not None:
        path = folder / "permutation_importance.csv"
        ev.importance.to_csv(path, index=False)
        files["diagnostics"].append(path)
    reference = folder / "drift_reference.json"
    reference.write_text(json.dumps(drift.references(ev.rows, ev.target.features)))
    files["diagnostics"].append(reference)
    return metrics, files


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
    flat |= {f"trading.{k}": v for k, v in ev.params["trading"].items()}
    flat |= {
        "candidates": ",".join(ev.params["kinds"]),
        "chosen": ev.primary,
        "chosen_by": ev.params["chosen_by"],
        "labelled_rows": ev.params["labelled_rows"],
        "rows": ev.params["rows"],
        "n_features": len(ev.target.features),
        "features": ",".join(ev.target.features)[:6000],
        "classes": ",".join(str(c) for c in ev.classes),
    }
    return {k: str(v) for k, v in flat.items()}


def stored_evaluation(tracking: Tracking, run_id: str) -> Evaluation:
    """The evaluation a training logged with its run (what the gate and the backtest score)."""
    from hl_pipeline.ml.models.walkforward import evaluation_from_record
    from hl_pipeline.registry.evaluations import load_evaluation

    return evaluation_from_record(*load_evaluation(tracking, run_id))
