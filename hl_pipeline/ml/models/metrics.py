"""Classification and ranking metrics of out-of-sample predictions."""

from __future__ import annotations

import numpy as np

METRICS = ("accuracy", "balanced_accuracy", "auc", "log_loss", "ic")
YEAR_MS = 365 * 86_400_000


def per_year(bar_ms: int) -> float:
    """What a per-bar Sharpe ratio is multiplied by to annualise it: sqrt(bars a year)."""
    return float(np.sqrt(YEAR_MS / bar_ms))


def ic(score: np.ndarray, ret: np.ndarray) -> float:
    """Information coefficient: Spearman correlation of `score` and the realised forward return over
    the rows where both are finite; NaN with fewer than 3 such rows or either side constant."""
    from scipy.stats import spearmanr

    ok = np.isfinite(score) & np.isfinite(ret)
    if ok.sum() < 3 or np.ptp(score[ok]) == 0 or np.ptp(ret[ok]) == 0:
        return float("nan")
    return float(spearmanr(score[ok], ret[ok]).statistic)


def scores(codes: np.ndarray, proba: np.ndarray, score: np.ndarray, fwd_ret: np.ndarray) -> dict[str, float]:
    """accuracy, balanced accuracy, AUC (one-vs-rest macro when multiclass), log loss, and the
    information coefficient (Spearman of `score` against the realized forward return). NaN when undefined."""
    from sklearn.metrics import balanced_accuracy_score, log_loss, roc_auc_score

    k = proba.shape[1]
    pred = proba.argmax(axis=1)
    out = {
        "accuracy": float(np.mean(pred == codes)),
        "balanced_accuracy": float(balanced_accuracy_score(codes, pred)),
        "log_loss": float(log_loss(codes, _normalized(proba), labels=np.arange(k))),
    }
    present = np.unique(codes)
    if len(present) < 2:
        out["auc"] = float("nan")
    elif k == 2:
        out["auc"] = float(roc_auc_score(codes, proba[:, 1]))
    else:
        out["auc"] = float(np.mean([roc_auc_score(codes == c, proba[:, c]) for c in present]))
    out["ic"] = ic(np.asarray(score, dtype=float), np.asarray(fwd_ret, dtype=float))
    return out


def aggregate(per_fold: list[dict[str, float]]) -> dict[str, float]:
    """Mean over folds of each metric (NaN folds ignored), plus its standard deviation as `<name>_std`."""
    out = {}
    for name in METRICS:
        values = np.array([f[name] for f in per_fold], dtype=float)
        finite = values[np.isfinite(values)]
        out[name] = float(finite.mean()) if len(finite) else float("nan")
        out[f"{name}_std"] = float(finite.std()) if len(finite) else float("nan")
    return out


def _normalized(proba: np.ndarray) -> np.ndarray:
    p = np.clip(proba, 1e-12, 1.0)
    return p / p.sum(axis=1, keepdims=True)
