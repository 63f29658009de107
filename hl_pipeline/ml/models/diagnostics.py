"""Diagnostics of out-of-sample predictions: Brier score, reliability table, permutation importance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

Metric = Literal["log_loss", "accuracy"]
_EPS = 1e-15


def _paired(prob_up: np.ndarray | Sequence[float], outcome_up: np.ndarray | Sequence[float]):
    p = np.asarray(prob_up, dtype=float)
    o = np.asarray(outcome_up, dtype=float)
    if p.shape != o.shape:
        raise ValueError(f"prob_up has shape {p.shape}, outcome_up {o.shape}")
    ok = np.isfinite(p) & np.isfinite(o)
    return p[ok], o[ok]


def brier_score(prob_up: np.ndarray | Sequence[float], outcome_up: np.ndarray | Sequence[float]) -> float:
    """Mean squared error of the probability of "up" against the 0/1 outcome (NaN pairs dropped;
    NaN when none is left). 0 is perfect, 0.25 is a constant coin flip."""
    p, o = _paired(prob_up, outcome_up)
    return float(np.mean((p - o) ** 2)) if p.size else float("nan")


def reliability(
    prob_up: np.ndarray | Sequence[float], outcome_up: np.ndarray | Sequence[float], bins: int = 10
) -> pd.DataFrame:
    """Calibration table over `bins` equal-width probability bins on [0, 1]: `bin` (index),
    `mean_predicted`, `observed_frequency` and `count`; empty bins are omitted. A calibrated
    forecast has observed_frequency close to mean_predicted in every bin."""
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    p, o = _paired(prob_up, outcome_up)
    index = np.clip((p * bins).astype(np.int64), 0, bins - 1)  # p == 1 falls in the last bin
    count = np.bincount(index, minlength=bins)
    sum_p = np.bincount(index, weights=p, minlength=bins)
    sum_o = np.bincount(index, weights=o, minlength=bins)
    keep = count > 0
    return pd.DataFrame(
        {
            "bin": np.flatnonzero(keep),
            "mean_predicted": sum_p[keep] / count[keep],
            "observed_frequency": sum_o[keep] / count[keep],
            "count": count[keep],
        }
    )


def _scores(proba: np.ndarray, codes: np.ndarray, metric: Metric) -> np.ndarray:
    """Score (higher is better) of each block of probabilities `proba` (..., n, k) against `codes` (n,)."""
    if metric == "accuracy":
        return np.mean(proba.argmax(axis=-1) == codes, axis=-1)
    if metric == "log_loss":
        p = np.clip(proba, _EPS, None)
        p = p / p.sum(axis=-1, keepdims=True)
        picked = np.take_along_axis(p, np.broadcast_to(codes[:, None], (*p.shape[:-1], 1)), axis=-1)
        return np.mean(np.log(picked[..., 0]), axis=-1)
    raise ValueError(f"unknown metric {metric!r}; expected 'log_loss' or 'accuracy'")


def _permutations(frame: pd.DataFrame, n_repeats: int, seed: int) -> np.ndarray:
    """(n_repeats, n) row positions: each row takes the value of a random row of the same coin
    (of any row when there is no `coin` column)."""
    n = len(frame)
    groups = pd.factorize(frame["coin"])[0] if "coin" in frame.columns else np.zeros(n, dtype=np.int64)
    grouped = np.argsort(groups, kind="stable")
    out = np.empty((n_repeats, n), dtype=np.int64)
    for r in range(n_repeats):
        shuffled = np.lexsort((np.random.default_rng([seed, r]).random(n), groups))
        out[r, grouped] = shuffled
    return out


def permutation_importance(
    predict_proba: Callable[[pd.DataFrame], np.ndarray],
    frame: pd.DataFrame,
    features: Sequence[str],
    codes: np.ndarray | Sequence[int],
    *,
    n_repeats: int = 3,
    seed: int = 0,
    metric: Metric = "log_loss",
) -> pd.DataFrame:
    """Drop in score when one feature at a time is shuffled across the out-of-sample rows of
    `frame` (within each coin when it has a `coin` column), the others kept.

    `predict_proba` gets a frame of the `features` columns and returns (n, k) probabilities whose
    column j is class code j; `codes` are the true codes of `frame`'s rows. The score is minus the
    log loss, or the accuracy; a positive `importance` means the model relies on the feature. The
    `n_repeats` shuffles are drawn from `seed` and shared by every feature, so the result is
    deterministic; each feature costs one `predict_proba` call on `n_repeats` stacked copies.
    Returns `feature`, `importance` (mean drop), `std` (over repeats), most important first; the
    unshuffled score is in `.attrs["baseline"]`."""
    if n_repeats < 1:
        raise ValueError(f"n_repeats must be at least 1, got {n_repeats}")
    features = list(features)
    y = np.asarray(codes, dtype=np.int64)
    n = len(frame)
    if y.shape != (n,):
        raise ValueError(f"codes has shape {y.shape}, expected ({n},)")
    x = frame[features].reset_index(drop=True)
    baseline = float(_scores(np.asarray(predict_proba(x), dtype=float), y, metric))
    perms = _permutations(frame, n_repeats, seed)
    stacked = pd.concat([x] * n_repeats, ignore_index=True)
    rows = []
    for name in features:
        values = x[name].to_numpy()
        trial = stacked.copy(deep=False)
        trial[name] = values[perms].reshape(-1)
        proba = np.asarray(predict_proba(trial), dtype=float)
        drops = baseline - _scores(proba.reshape(n_repeats, n, -1), y, metric)
        rows.append((name, float(drops.mean()), float(drops.std(ddof=1)) if n_repeats > 1 else 0.0))
    out = pd.DataFrame(rows, columns=["feature", "importance", "std"])
    out = out.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs.update(baseline=baseline, metric=metric, n_repeats=n_repeats, seed=seed)
    return out
