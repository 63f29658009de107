"""Purged walk-forward evaluation of the candidates on the same folds, and the final fit."""

from __future__ import annotations

import resource
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from hl_pipeline.errors import ConfigError
from hl_pipeline.ml.folds import Fold, walk_forward_folds
from hl_pipeline.ml.models import metrics
from hl_pipeline.ml.models.config import WalkForward, XGBConfig
from hl_pipeline.ml.models.predictor import DirectionModel, fit
from hl_pipeline.ml.models.target_spec import Target, encode

DEFAULT_KINDS = ("xgboost", "majority", "logistic", "forest")


@dataclass
class FoldResult:
    index: int
    test_start: int
    test_end: int
    n_train: int
    n_test: int
    metrics: dict[str, dict[str, float]]  # candidate -> metric -> value
    seconds: dict[str, float]  # candidate -> fit + predict wall time
    peak_rss_mb: float  # this process's peak so far


@dataclass
class Evaluation:
    """Per-fold and aggregate metrics of every candidate, their out-of-sample predictions, the final model."""

    target: Target
    primary: str
    classes: np.ndarray
    folds: list[FoldResult]
    aggregate: dict[str, dict[str, float]]
    oos: (
        pd.DataFrame
    )  # row (position in rows), coin, time, fold, code, ret, per candidate pred_<kind> (code), score_<kind>
    rows: pd.DataFrame  # the usable training rows, in frame order
    final: DirectionModel | None
    train_end_ms: int  # last training row's time; labels reach horizon_ms further
    params: dict = field(default_factory=dict)


def usable(frame: pd.DataFrame, target: Target) -> np.ndarray:
    """Mask of the rows with a label and a forward return."""
    target.check(frame)
    return (frame[target.label].notna() & frame[target.ret].notna()).to_numpy()


def restrict(folds: list[Fold], keep: np.ndarray) -> list[Fold]:
    """`folds` over a frame, as positions among its `keep` rows only."""
    position = np.cumsum(keep) - 1
    return [
        replace(f, train=position[f.train[keep[f.train]]], test=position[f.test[keep[f.test]]]) for f in folds
    ]


def times_ms(frame: pd.DataFrame) -> np.ndarray:
    """`time` as int64 ms since the epoch."""
    since = pd.to_datetime(frame["time"], utc=True) - pd.Timestamp(0, tz="UTC")
    return (since // pd.Timedelta(1, "ms")).to_numpy(dtype=np.int64)


def evaluate(
    frame: pd.DataFrame,
    target: Target,
    *,
    xgb: XGBConfig = XGBConfig(),
    walk: WalkForward = WalkForward(),
    kinds: tuple[str, ...] = DEFAULT_KINDS,
    primary: str = "xgboost",
    fit_final: bool = True,
    folds: list[Fold] | None = None,
) -> Evaluation:
    """Fit every candidate on each fold's purged training rows and score it on the fold's test window.

    Rows without a label or a forward return are left out. `folds` (positions into `frame`, e.g.
    the training set's recorded split) replaces the layout `walk` would compute."""
    if primary not in kinds:
        raise ConfigError(f"primary candidate {primary!r} is not among kinds {kinds}")
    keep = usable(frame, target)
    rows = frame[keep].reset_index(drop=True)
    codes, classes = encode(rows[target.label].to_numpy().astype(np.int64))
    t = times_ms(rows)
    ret = rows[target.ret].to_numpy(dtype=float)
    if folds is None:
        folds = walk_forward_folds(
            t,
            n_folds=walk.n_folds,
            horizon_ms=target.horizon_ms,
            embargo_ms=walk.embargo_ms,
            mode=walk.mode,
            train_ms=walk.train_ms,
            min_train_rows=walk.min_train_rows,
        )
    else:
        folds = restrict(folds, keep)
    results, parts = [], []
    for fold in folds:
        train, test = rows.iloc[fold.train], rows.iloc[fold.test]
        part = pd.DataFrame(
            {
                "row": fold.test,
                "coin": test["coin"].to_numpy(),
                "time": test["time"].to_numpy(),
                "fold": fold.index,
                "code": codes[fold.test],
                "ret": ret[fold.test],
            }
        )
        fold_metrics, seconds = {}, {}
        for kind in kinds:
            start = time.perf_counter()
            model = fit(kind, train, codes[fold.train], classes, target.features, xgb)
            p = model.proba(test)
            seconds[kind] = time.perf_counter() - start
            score = model.predict_from_proba(p)
            fold_metrics[kind] = metrics.scores(codes[fold.test], p, score, ret[fold.test])
            part[f"pred_{kind}"], part[f"score_{kind}"] = p.argmax(axis=1), score
        parts.append(part)
        results.append(
            FoldResult(
                fold.index,
                fold.test_start,
                fold.test_end,
                len(fold.train),
                len(fold.test),
                fold_metrics,
                seconds,
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            )
        )
    final = fit(primary, rows, codes, classes, target.features, xgb) if fit_final else None
    return Evaluation(
        target=target,
        primary=primary,
        classes=classes,
        folds=results,
        aggregate={k: metrics.aggregate([f.metrics[k] for f in results]) for k in kinds},
        oos=pd.concat(parts, ignore_index=True),
        rows=rows,
        final=final,
        train_end_ms=int(t.max()),
        params={"xgb": xgb.params(), "walk_forward": asdict(walk), "kinds": list(kinds), "rows": len(rows)},
    )


def trimmed(ev: Evaluation) -> Evaluation:
    """`ev` without its final model, keeping only the rows the gate scores (the last fold's test rows)."""
    oos = ev.oos.copy()
    last = oos["fold"] == oos["fold"].max()
    kept = oos.loc[last, "row"].to_numpy()
    rows = ev.rows.iloc[kept].reset_index(drop=True)
    oos.loc[last, "row"] = range(len(kept))
    oos.loc[~last, "row"] = -1
    return replace(ev, oos=oos, rows=rows, final=None)


def evaluation_record(ev: Evaluation) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """A trimmed `ev` as plain fields (JSON-safe) and tables (for Parquet): what the registry keeps
    so the gate and the backtest later score exactly what was trained."""
    if ev.final is not None:
        raise ValueError("trim the evaluation first: a record holds no fitted model")
    fields = {
        "target": {**asdict(ev.target), "features": list(ev.target.features)},
        "primary": ev.primary,
        "classes": ev.classes.tolist(),
        "classes_dtype": str(ev.classes.dtype),
        "folds": [asdict(f) for f in ev.folds],
        "aggregate": ev.aggregate,
        "train_end_ms": int(ev.train_end_ms),
        "params": ev.params,
    }
    return _plain(fields), {"oos": ev.oos, "rows": ev.rows}


def evaluation_from_record(fields: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> Evaluation:
    """The inverse of `evaluation_record`."""
    target = fields["target"]
    return Evaluation(
        target=Target(tuple(target["features"]), target["label"], target["ret"], int(target["horizon_ms"])),
        primary=fields["primary"],
        classes=np.array(fields["classes"], dtype=fields["classes_dtype"]),
        folds=[FoldResult(**f) for f in fields["folds"]],
        aggregate=fields["aggregate"],
        oos=tables["oos"],
        rows=tables["rows"],
        final=None,
        train_end_ms=int(fields["train_end_ms"]),
        params=fields["params"],
    )


def _plain(value: Any) -> Any:
    """`value` with numpy scalars and tuples turned into Python numbers and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value
