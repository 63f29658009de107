"""Classification and ranking metrics of out-of-sample predictions."""

from __future__ import annotations

import numpy as np

METRICS = ("accuracy", "balanced_accuracy", "auc", "log_loss", "ic")


def scores(codes: np.ndarray, proba: np.ndarray, score: np.ndarray, fwd_ret: np.ndarray) -> dict[str, float]:
    """accuracy, balanced accuracy, AUC (one-vs-rest macro when multiclass), log loss, and the
    information coefficient (Spearman of `score` against the realized forward return). NaN when undefined."""
    from scipy.stats import spearmanr
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
    ok = np.isfinite(fwd_ret)
    constant = np.ptp(score[ok]) == 0 if ok.any() else True
    out["ic"] = float("nan") if constant else float(spearmanr(score[ok], fwd_ret[ok]).statistic)
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
