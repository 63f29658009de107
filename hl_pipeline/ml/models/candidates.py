"""The candidate estimators, all scikit-learn compatible and NaN tolerant."""

from __future__ import annotations

from hl_pipeline.errors import ConfigError
from hl_pipeline.ml.models.config import XGBConfig

KINDS = ("xgboost", "lightgbm", "majority", "logistic", "forest")
FOREST_TREES = 50  # the forest's trees: half the cost of 100 on a year of 1m bars (docs/benchmarks.md)


def build(kind: str, xgb: XGBConfig, n_classes: int):
    """A fresh, unfitted estimator of `kind` for class codes 0..n_classes-1."""
    if kind == "xgboost":
        from hl_pipeline.ml.models.boosters import HistBooster

        p = xgb.params()
        native = {
            "max_depth": p["max_depth"],
            "eta": p["learning_rate"],
            "subsample": p["subsample"],
            "colsample_bytree": p["colsample_bytree"],
            "min_child_weight": p["min_child_weight"],
            "lambda": p["reg_lambda"],
            "max_bin": p["max_bin"],
            "nthread": p["nthread"],
            "seed": p["seed"],
        }
        return HistBooster(native, p["n_estimators"], n_classes)
    if kind == "lightgbm":
        from lightgbm import LGBMClassifier

        from hl_pipeline.ml.models.boosters import CUT_ROWS

        # Small-data settings comparable to the xgboost ones; NaN goes to the better side of each split.
        return LGBMClassifier(
            n_estimators=120,
            num_leaves=15,
            learning_rate=0.08,
            min_child_samples=20,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            reg_lambda=1.0,
            subsample_for_bin=CUT_ROWS,  # bin edges from a sample, as for xgboost's candidates
            random_state=xgb.seed,
            n_jobs=xgb.nthread,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
    if kind == "majority":
        from sklearn.dummy import DummyClassifier

        return DummyClassifier(strategy="prior")
    if kind == "logistic":
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(
            SimpleImputer(strategy="mean", add_indicator=True, keep_empty_features=True),
            StandardScaler(),
            LogisticRegression(C=0.1, max_iter=300),
        )
    if kind == "forest":
        from hl_pipeline.ml.models.boosters import HistBooster

        # A random forest (one round of FOREST_TREES bagged, column-sampled, unshrunk trees) on XGBoost's
        # histogram trees: scikit-learn's forest walks every row in every tree even when it samples,
        # so a year of 1m bars took 16-74 s a fold (bench/train_year.py) against seconds here.
        forest = {
            "num_parallel_tree": FOREST_TREES,
            "max_depth": 6,
            "subsample": 0.632,
            "colsample_bynode": 0.3,
            "min_child_weight": 20.0,
            "eta": 1.0,
            "lambda": 1e-5,
            "max_bin": xgb.max_bin,
            "nthread": xgb.nthread,
            "seed": xgb.seed,
        }
        return HistBooster(forest, 1, n_classes)
    raise ConfigError(f"unknown candidate {kind!r}; expected one of {KINDS}")
