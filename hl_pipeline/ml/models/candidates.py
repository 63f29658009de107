"""The candidate estimators, all scikit-learn compatible and NaN tolerant."""

from __future__ import annotations

from hl_pipeline.errors import ConfigError
from hl_pipeline.ml.models.config import XGBConfig

KINDS = ("xgboost", "majority", "logistic", "forest")


def build(kind: str, xgb: XGBConfig, n_classes: int):
    """A fresh, unfitted estimator of `kind` for class codes 0..n_classes-1."""
    if kind == "xgboost":
        from xgboost import XGBClassifier

        p = xgb.params()
        return XGBClassifier(
            **{k: v for k, v in p.items() if k not in ("seed", "nthread")},
            random_state=p["seed"],
            n_jobs=p["nthread"],
            tree_method="hist",
            objective="binary:logistic" if n_classes == 2 else "multi:softprob",
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
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(
            n_estimators=100, max_depth=6, min_samples_leaf=20, n_jobs=xgb.nthread, random_state=xgb.seed
        )
    raise ConfigError(f"unknown candidate {kind!r}; expected one of {KINDS}")
