"""A fitted direction model: estimator, feature order and classes, predicting a frame."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from hl_pipeline.ml.models.boosters import HistBooster, TrainingRows
from hl_pipeline.ml.models.candidates import build
from hl_pipeline.ml.models.config import XGBConfig
from hl_pipeline.ml.models.target_spec import directions

PARALLEL_ROWS = 50_000
PROB_NAMES = {-1.0: "prob_down", 0.0: "prob_flat", 1.0: "prob_up"}


@dataclass
class DirectionModel:
    """`estimator` was fitted on codes of `seen` (a subset of 0..len(classes)-1)."""

    kind: str
    estimator: Any  # a fitted scikit-learn-style classifier (predict_proba)
    features: tuple[str, ...]
    classes: np.ndarray  # original labels, sorted
    seen: np.ndarray

    def proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Probabilities (n, len(classes)); classes absent from training get 0."""
        return self.proba_matrix(matrix(frame, self.features))

    def proba_matrix(self, x: np.ndarray) -> np.ndarray:
        """`proba` of a float32 feature matrix already in model order."""
        out = np.zeros((len(x), len(self.classes)))
        if len(x):
            out[:, self.seen] = self.estimator.predict_proba(x)
        return out

    def predict_from_proba(self, p: np.ndarray) -> np.ndarray:
        """Expected direction in [-1, 1] of each row of probabilities."""
        return p @ directions(self.classes)

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`pred_class` (original label), `score` (expected direction in [-1, 1]) and one probability
        per class."""
        p = self.proba(frame)
        dirs = directions(self.classes)
        out = pd.DataFrame(
            {"pred_class": self.classes[p.argmax(axis=1)], "score": p @ dirs}, index=frame.index
        )
        for j, d in enumerate(dirs):
            out[PROB_NAMES[d]] = p[:, j]
        return out


def matrix(frame: pd.DataFrame, features) -> np.ndarray:
    """The feature matrix in model order (float32; NaN kept)."""
    return frame[list(features)].to_numpy(dtype=np.float32)


def training_rows(x: np.ndarray, codes: np.ndarray) -> tuple[TrainingRows, np.ndarray]:
    """(the rows every candidate of a fold fits, with codes renumbered over the classes present; those
    classes' codes among all the target's classes)."""
    seen, local = np.unique(codes, return_inverse=True)
    return TrainingRows(np.ascontiguousarray(x, dtype=np.float32), local), seen


def fit(
    kind: str, rows: TrainingRows, seen: np.ndarray, classes: np.ndarray, features, xgb: XGBConfig
) -> DirectionModel:
    """Fit a candidate on `rows` (from `training_rows`). Below PARALLEL_ROWS rows it fits on one
    thread: threads then cost more than they save, and on a busy machine OpenMP's waiting threads
    made a LightGBM fit of 1,000 rows take 13-23 s instead of 0.1 s (measured in `make demo`)."""
    if len(rows.x) < PARALLEL_ROWS:
        xgb = replace(xgb, nthread=1)
    estimator = build(kind, xgb, max(len(seen), 2))
    if len(seen) == 1:  # one class only: every candidate degenerates to predicting it
        estimator = build("majority", xgb, 2)
    if isinstance(estimator, HistBooster):
        estimator.fit_rows(rows)
    else:
        estimator.fit(rows.x, rows.codes)
    return DirectionModel(kind, estimator, tuple(features), np.asarray(classes), seen)
