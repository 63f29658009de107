"""XGBoost's candidates (boosted trees and the random forest) on its native API, so the candidates
of one fold can share one histogram matrix of the fold's training rows.

The scikit-learn wrapper builds a fresh quantile matrix in every fit: on a year of 1m bars that was
1.5-1.8 s of each 4-6 s fit (bench/train_year.py). Here the bin edges come from at most
`CUT_ROWS` evenly spaced training rows (never from test rows) and the matrix is built once per
fold and passed to each candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

CUT_ROWS = 50_000


@dataclass
class TrainingRows:
    """One fold's training rows as every candidate fits them: the float32 feature matrix (NaN kept),
    class codes 0..k-1, and the histogram matrices built from them, by bin count."""

    x: np.ndarray
    codes: np.ndarray
    _hist: dict[tuple[int, int], Any] = field(default_factory=dict, repr=False)

    def hist(self, max_bin: int, nthread: int):
        """The rows as an xgboost QuantileDMatrix with `max_bin` bins, built on first use."""
        key = (max_bin, nthread)
        if key not in self._hist:
            import xgboost

            ref = None
            if len(self.x) > CUT_ROWS:
                sample = self.x[np.linspace(0, len(self.x) - 1, CUT_ROWS).astype(np.int64)]
                ref = xgboost.QuantileDMatrix(sample, max_bin=max_bin, nthread=nthread)
            self._hist[key] = xgboost.QuantileDMatrix(
                self.x, label=self.codes, max_bin=max_bin, ref=ref, nthread=nthread
            )
        return self._hist[key]


class HistBooster:
    """A classifier on xgboost.train with the histogram method: `params` as xgboost's native ones,
    `rounds` boosting rounds (1 with `num_parallel_tree` trees for a random forest)."""

    def __init__(self, params: dict[str, Any], rounds: int, n_classes: int):
        objective = (
            {"objective": "binary:logistic"}
            if n_classes == 2
            else {"objective": "multi:softprob", "num_class": n_classes}
        )
        self.params = {**params, **objective, "tree_method": "hist"}
        self.rounds = rounds
        self.n_classes = n_classes
        self.booster: Any = None
        self.n_features_in_ = 0

    def fit(self, x: np.ndarray, y: np.ndarray) -> HistBooster:
        """Fit on a feature matrix and class codes 0..n_classes-1."""
        return self.fit_rows(TrainingRows(np.ascontiguousarray(x, dtype=np.float32), np.asarray(y)))

    def fit_rows(self, rows: TrainingRows) -> HistBooster:
        """Fit on `rows`, reusing its histogram matrix when another candidate built it."""
        import xgboost

        hist = rows.hist(int(self.params["max_bin"]), int(self.params["nthread"]))
        self.booster = xgboost.train(self.params, hist, num_boost_round=self.rounds)
        self.n_features_in_ = rows.x.shape[1]
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        import xgboost

        data = xgboost.DMatrix(np.asarray(x, dtype=np.float32), nthread=int(self.params["nthread"]))
        p = self.booster.predict(data)
        return np.column_stack([1.0 - p, p]) if self.n_classes == 2 else p

    @property
    def feature_importances_(self) -> np.ndarray:
        """Total gain per feature, normalised to sum to 1 (0 for features no split used)."""
        gain = self.booster.get_score(importance_type="total_gain")
        values = np.array([gain.get(f"f{i}", 0.0) for i in range(self.n_features_in_)], dtype=float)
        total = values.sum()
        return values / total if total > 0 else values
