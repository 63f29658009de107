"""The definition of `inputs_complete`, spelled out as a rolling max per coin and feature: the
reference the vectorised check is tested against and the baseline bench/day_checks.py times."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.ml.features.catalog import FEATURES


def rolling_inputs_complete(features: pd.DataFrame, bar: str) -> pd.DataFrame:
    out = {}
    for f in FEATURES:
        if f.name not in features.columns:
            continue
        if not f.inputs:
            out[f.name] = np.ones(len(features), bool)
            continue
        window = f.lookback_bars(bar) + 1
        missing = features[[f"{i}_missing" for i in f.inputs]].any(axis=1).astype(float)
        seen = missing.groupby(features["coin"]).transform(
            lambda s, window=window: s.rolling(window, min_periods=window).max()
        )
        out[f.name] = (seen == 0).to_numpy()
    return pd.DataFrame(out, index=features.index)
