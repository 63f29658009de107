"""Purged walk-forward evaluation of the candidates on the same folds, the choice among them, and
the final fit.

Every fold trains on its purged, labelled training rows and predicts every test row that has a
forward return, labelled or not (a bar in the label's dead zone has no direction to learn or
score, but it is served and traded). The choice among candidates is made inside the evaluation,
walk-forward: each fold after the first is served by the candidate with the best net-of-cost
Sharpe ratio (trading.py) over the folds before it (`score_chosen`), so the record the gate
judges is the choosing procedure's, out of sample; the version shipped is the candidate best over
every fold, fitted on every labelled row.
"""

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
from hl_pipeline.ml.models.config import TradingConfig, WalkForward, XGBConfig
from hl_pipeline.ml.models.predictor import DirectionModel, fit, matrix, training_rows
from hl_pipeline.ml.models.target_spec import Target, encode
from hl_pipeline.ml.models.trading import market_columns

DEFAULT_KINDS = ("xgboost", "lightgbm", "forest", "logistic")
IMPORTANCE_ROWS = 10_000
NO_LABEL = -1  # class code of a row without a direction (dead zone or unknown)


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
    """Per-fold and aggregate metrics of every candidate, their out-of-sample predictions, the
    chosen candidate and its final model."""

    target: Target
    primary: str  # the chosen candidate
    classes: np.ndarray
    folds: list[FoldResult]
    aggregate: dict[str, dict[str, float]]
    # row (position in rows), coin, time, fold, code (NO_LABEL without a direction), ret, the market
    # columns present in the frame, and per candidate pred_<kind> (code) and score_<kind>
    oos: pd.DataFrame
    rows: pd.DataFrame  # the rows with a forward return, in frame order
    final: DirectionModel | None
    train_end_ms: int  # last training row's time; labels reach horizon_ms further
    params: dict = field(default_factory=dict)
    # the chosen candidate's permutation importance on the last fold's labelled test rows (not kept
    # in the registry record)
    importance: pd.DataFrame | None = None

    @property
    def kinds(self) -> list[str]:
        return list(self.params["kinds"])


def usable(frame: pd.DataFrame, target: Target) -> np.ndarray:
    """Mask of the rows with a forward return: every bar that can be served and traded."""
    target.check(frame)
    return frame[target.ret].notna().to_numpy()


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
    primary: str | None = None,
    trading: TradingConfig = TradingConfig(),
    fit_final: bool = True,
    folds: list[Fold] | None = None,
) -> Evaluation:
    """Fit every candidate on each fold's purged, labelled training rows and predict the fold's test
    window. `primary` fixes the candidate; by default it is chosen by `choose`. `folds` (positions
    into `frame`, e.g. the training set's recorded split) replaces the layout `walk` would compute."""
    if primary is not None and primary not in kinds:
        raise ConfigError(f"primary candidate {primary!r} is not among kinds {kinds}")
    keep = usable(frame, target)
    rows = frame[keep].reset_index(drop=True)
    labelled = rows[target.label].notna().to_numpy()
    if not labelled.any():
        raise ConfigError(f"no row has a {target.label!r} label")
    codes = np.full(len(rows), NO_LABEL, dtype=np.int64)
    codes[labelled], classes = encode(rows.loc[labelled, target.label].to_numpy().astype(np.int64))
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
    market = market_columns(rows)
    x = matrix(rows, target.features)
    coins, bar_times = rows["coin"].to_numpy(), rows["time"].array  # the times keep their zone
    results, parts = [], []
    last_models: dict[str, DirectionModel] = {}  # the last fold's, for the held-out importance
    for fold in folds:
        train = fold.train[labelled[fold.train]]
        test, scored = fold.test, labelled[fold.test]
        part = pd.DataFrame(
            {
                "row": test,
                "coin": coins[test],
                "time": bar_times[test],
                "fold": fold.index,
                "code": codes[test],
                "ret": ret[test],
                **{c: rows[c].to_numpy(dtype=float)[test] for c in market},
            }
        )
        fold_metrics, seconds = {}, {}
        fold_rows, seen = training_rows(x[train], codes[train])
        for kind in kinds:
            start = time.perf_counter()
            model = fit(kind, fold_rows, seen, classes, target.features, xgb)
            if fold is folds[-1]:
                last_models[kind] = model
            p = model.proba_matrix(x[test])
            seconds[kind] = time.perf_counter() - start
            score = model.predict_from_proba(p)
            fold_metrics[kind] = metrics.scores(
                codes[test][scored], p[scored], score[scored], ret[test][scored]
            )
            part[f"pred_{kind}"], part[f"score_{kind}"] = p.argmax(axis=1), score
        parts.append(part)
        results.append(
            FoldResult(
                fold.index,
                fold.test_start,
                fold.test_end,
                len(train),
                len(test),
                fold_metrics,
                seconds,
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            )
        )
    oos = pd.concat(parts, ignore_index=True)
    selection, choices = choose(oos, kinds, target.hold_bars, trading)
    if primary is not None:
        choices = [primary if c is not None else None for c in choices]
    oos = _served(oos, choices)
    chosen = primary or max(selection, key=lambda k: selection[k])
    final = (
        fit(chosen, *training_rows(x[labelled], codes[labelled]), classes, target.features, xgb)
        if fit_final
        else None
    )
    importance = (
        held_out_importance(last_models[chosen], rows, codes, labelled, folds[-1]) if fit_final else None
    )
    return Evaluation(
        target=target,
        primary=chosen,
        classes=classes,
        folds=results,
        aggregate={k: metrics.aggregate([f.metrics[k] for f in results]) for k in kinds},
        oos=oos,
        rows=rows,
        final=final,
        importance=importance,
        train_end_ms=int(t[labelled].max()),
        params={
            "xgb": xgb.params(),
            "walk_forward": asdict(walk),
            "trading": asdict(trading),
            "kinds": list(kinds),
            "rows": len(rows),
            "labelled_rows": int(labelled.sum()),
            "selection_sharpe": selection,
            "fold_choices": choices,
            "chosen_by": "given" if primary else "net Sharpe over every fold",
        },
    )


def held_out_importance(
    model: DirectionModel,
    rows: pd.DataFrame,
    codes: np.ndarray,
    labelled: np.ndarray,
    fold: Fold,
    max_rows: int = IMPORTANCE_ROWS,
) -> pd.DataFrame:
    """Permutation importance (drop in log loss) of `model`, fitted on `fold`'s training rows, on up to
    `max_rows` of the fold's labelled test rows: what the model relies on out of sample."""
    from hl_pipeline.ml.models.diagnostics import permutation_importance

    test = fold.test[labelled[fold.test]]
    if len(test) > max_rows:
        test = test[np.linspace(0, len(test) - 1, max_rows).astype(np.int64)]
    return permutation_importance(model.proba, rows.iloc[test], model.features, codes[test])


def choose(
    oos: pd.DataFrame, kinds: tuple[str, ...], hold_bars: int, trading: TradingConfig
) -> tuple[dict[str, float], list[str | None]]:
    """(each candidate's annualised net-of-cost Sharpe ratio of the served strategy over every fold,
    the candidate chosen for each fold from the folds before it alone). The first fold has no
    choice (None) unless it is the only one; a fold's choice never sees that fold or a later one."""
    from hl_pipeline.ml.models.trading import portfolio_returns

    folds = np.sort(oos["fold"].unique())
    fold_of = oos.groupby("time")["fold"].first()
    sums = np.zeros((len(kinds), len(folds), 3))  # bars, sum, sum of squares per candidate and fold
    for i, kind in enumerate(kinds):
        net = portfolio_returns(oos, f"score_{kind}", horizon_bars=hold_bars, config=trading)
        which = np.searchsorted(folds, fold_of.reindex(net["time"]).ffill().to_numpy())
        r = net["net"].to_numpy()
        for j in range(len(folds)):
            part = r[which == j]
            sums[i, j] = (len(part), part.sum(), part @ part)
    per_year = metrics.per_year(trading.bar_ms)
    overall = {kind: float(_pooled_sharpe(sums[i].sum(axis=0)) * per_year) for i, kind in enumerate(kinds)}
    if len(folds) == 1:
        return overall, [max(overall, key=lambda k: overall[k])]
    before = np.cumsum(sums, axis=1) - sums  # pooled over the folds before each
    choices: list[str | None] = [None]
    for j in range(1, len(folds)):
        sharpes = [_pooled_sharpe(before[i, j]) for i in range(len(kinds))]
        choices.append(kinds[int(np.argmax(sharpes))])
    return overall, choices


def _pooled_sharpe(stats: np.ndarray) -> float:
    n, total, squares = stats
    if n < 2:
        return 0.0
    mean = total / n
    var = (squares - n * mean * mean) / (n - 1)
    return float(mean / np.sqrt(var)) if var > 0 else 0.0


def _served(oos: pd.DataFrame, choices: list[str | None]) -> pd.DataFrame:
    """`oos` with `score_chosen` and `pred_chosen`: each fold scored by the candidate chosen for it."""
    out = oos.copy()
    out["score_chosen"] = np.nan
    out["pred_chosen"] = NO_LABEL
    for fold, kind in zip(np.sort(oos["fold"].unique()), choices):
        if kind is None:
            continue
        rows = out["fold"] == fold
        out.loc[rows, "score_chosen"] = out.loc[rows, f"score_{kind}"]
        out.loc[rows, "pred_chosen"] = out.loc[rows, f"pred_{kind}"]
    return out


def trimmed(ev: Evaluation) -> Evaluation:
    """`ev` without its final model, keeping only the rows a champion is scored on (the last fold's
    test rows; the out-of-sample record of every fold is kept whole)."""
    oos = ev.oos.copy()
    last = oos["fold"] == oos["fold"].max()
    kept = oos.loc[last, "row"].to_numpy()
    rows = ev.rows.iloc[kept].reset_index(drop=True)
    oos.loc[last, "row"] = range(len(kept))
    oos.loc[~last, "row"] = -1
    return replace(ev, oos=oos, rows=rows, final=None, importance=None)


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
        target=Target(
            tuple(target["features"]),
            target["label"],
            target["ret"],
            int(target["horizon_ms"]),
            int(target["hold_bars"]),
        ),
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
