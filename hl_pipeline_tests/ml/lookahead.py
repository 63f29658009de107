"""The lookahead test machinery: compute on all inputs and on the inputs as they stood at a cut
time; any value at a bar that closed by the cut must not change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.ml.pointintime import ms


def values_changed(full: pd.DataFrame, cut: pd.DataFrame, cut_ms: int, bar_ms: int, column: str) -> int:
    """How many bars closing by `cut_ms` have a different `column` (NaN equals NaN) in the two results."""
    keys = ["coin", "time"]
    both = full[[*keys, column]].merge(cut[[*keys, column]], on=keys, how="left", suffixes=("", "_cut"))
    early = ms(both["time"]) + bar_ms <= cut_ms
    a = both[column].to_numpy(dtype=float)[early]
    b = both[column + "_cut"].to_numpy(dtype=float)[early]
    same = np.isclose(a, b, rtol=1e-12, atol=0.0) | (np.isnan(a) & np.isnan(b))
    return int((~same).sum())
