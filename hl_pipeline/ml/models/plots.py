"""PNG figures: feature importance, confusion matrix, equity curve with its Monte Carlo band,
reliability diagram."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hl_pipeline.ml.figures import pyplot, save_png
from hl_pipeline.ml.models.predictor import DirectionModel


def importances(model: DirectionModel) -> pd.Series:
    """Importance per feature: tree gain/impurity, or |coefficient| for the logistic pipeline."""
    est = model.estimator
    if hasattr(est, "feature_importances_"):
        values = np.asarray(est.feature_importances_, dtype=float)
    elif hasattr(est, "steps") and hasattr(est.steps[-1][1], "coef_"):
        values = np.abs(est.steps[-1][1].coef_).sum(axis=0)[: len(model.features)]
    else:
        raise ValueError(f"candidate {model.kind!r} has no feature importances")
    return pd.Series(values, index=list(model.features)).sort_values(ascending=False)


def importance_png(model: DirectionModel, path: Path, top: int = 25) -> Path:
    plt = pyplot()
    imp = importances(model).head(top)[::-1]
    fig, ax = plt.subplots(figsize=(6, 0.25 * len(imp) + 1.2))
    ax.barh(imp.index, imp.to_numpy())
    ax.set_title(f"{model.kind} feature importance")
    return save_png(fig, path, dpi=90)


def confusion_png(true_labels: np.ndarray, pred_labels: np.ndarray, classes: np.ndarray, path: Path) -> Path:
    from sklearn.metrics import confusion_matrix

    plt = pyplot()
    cm = confusion_matrix(true_labels, pred_labels, labels=classes)
    fig, ax = plt.subplots(figsize=(3.6, 3.2))
    ax.imshow(cm, cmap="Blues")
    for (i, j), n in np.ndenumerate(cm):
        ax.text(j, i, str(n), ha="center", va="center")
    ax.set_xticks(range(len(classes)), [str(c) for c in classes])
    ax.set_yticks(range(len(classes)), [str(c) for c in classes])
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    return save_png(fig, path, dpi=90)


def equity_png(equity: pd.DataFrame, path: Path, title: str = "equity") -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.fill_between(
        equity["time"], equity["band_lo"], equity["band_hi"], alpha=0.25, label="stationary bootstrap 5-95%"
    )
    ax.plot(equity["time"], equity["equity"], label="strategy")
    ax.axhline(1.0, color="grey", lw=0.6)
    ax.set_title(title)
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return save_png(fig, path, dpi=90)


def reliability_png(table: pd.DataFrame, path: Path, title: str = "reliability") -> Path:
    """Observed frequency against mean predicted probability per bin (`diagnostics.reliability`),
    marker area by count, with the diagonal of perfect calibration."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="perfectly calibrated")
    if len(table):
        size = 20 + 200 * table["count"].to_numpy() / table["count"].max()
        ax.plot(table["mean_predicted"], table["observed_frequency"], color="C0", lw=1)
        ax.scatter(table["mean_predicted"], table["observed_frequency"], s=size, color="C0", label="model")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted P(up)")
    ax.set_ylabel("observed frequency of up")
    ax.set_title(title)
    ax.legend(loc="upper left")
    return save_png(fig, path, dpi=90)


def cpcv_png(curves: pd.DataFrame, path: Path, title: str = "CPCV paths") -> Path:
    """Net-of-cost equity of each combinatorial purged cross-validation path (`cpcv.paths`)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for p, part in curves.groupby("path", sort=True):
        ax.plot(part["time"], np.cumprod(1.0 + part["net"].to_numpy()), lw=0.9, label=f"path {p}")
    ax.axhline(1.0, color="grey", lw=0.6)
    ax.set_title(title)
    ax.set_ylabel("net equity")
    ax.legend(loc="upper left", fontsize="small")
    fig.autofmt_xdate()
    return save_png(fig, path, dpi=90)
