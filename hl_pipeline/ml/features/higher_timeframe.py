"""Higher-timeframe features: the last *closed* hour, joined to a bar at the hour's close.

A bar closing at C sees the hour ending at floor(C / 1h) * 1h, never the hour in progress.
An hour counts only when all of its bars are present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.ml.features.bars import CoinBars
from hl_pipeline.ml.features.catalog import HTF_MS


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    c = bars.candles
    hour = bars.times // HTF_MS
    per_hour = HTF_MS // bars.bar_ms
    frame = pd.DataFrame(
        {"hour": hour, "open": c["open"], "high": c["high"], "low": c["low"], "close": c["close"]}
    )
    g = frame.groupby("hour", sort=True)
    agg = pd.DataFrame(
        {
            "open": g["open"].first(),  # first/last skip NaN: incomplete hours are masked below
            "high": g["high"].max(),
            "low": g["low"].min(),
            "close": g["close"].last(),
            "bars": g["close"].count(),
        }
    )
    agg = agg[agg["bars"] == per_hour]
    closed = (bars.closes_at // HTF_MS) - 1  # the hour that ended at or before the bar's close
    hit = agg.reindex(closed)
    return {
        "htf_ret_1h": np.log(hit["close"].to_numpy() / hit["open"].to_numpy()),
        "htf_range_1h": ((hit["high"] - hit["low"]) / hit["close"]).to_numpy(),
    }
