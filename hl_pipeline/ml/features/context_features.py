"""Funding, premium and open-interest features, read as of the bar's close.

Funding rows and asset contexts are known at their exchange time (their ingest time records
when the lake stored them, not when the value was public). A value older than its maximum age
counts as missing; a change needs both ends present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.ml.features.bars import CoinBars
from hl_pipeline.ml.features.catalog import FUNDING_MAX_AGE_MS, OI_MAX_AGE_MS
from hl_pipeline.ml.pointintime import asof_latest, take


def asof(rows: pd.DataFrame, column: str, at: np.ndarray, max_age_ms: int) -> np.ndarray:
    """The latest non-null `column` with time < at and at most `max_age_ms` old; NaN otherwise."""
    values = rows[column].to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(values)
    t, values = rows["time"].to_numpy()[keep], values[keep]
    pos = asof_latest(t + 1, t, at)
    fresh = at - take(t, pos, np.iinfo(np.int64).min // 2) <= max_age_ms
    return np.where(fresh, take(values, pos, np.nan), np.nan)


def _values(bars: CoinBars) -> dict[str, np.ndarray]:
    if "context" not in bars.cache:
        at = bars.closes_at
        f, u = bars.funding, bars.contexts
        bars.cache["context"] = {
            "funding": asof(f, "funding_rate", at, FUNDING_MAX_AGE_MS),
            "funding_8h": asof(f, "funding_rate", at - 8 * HOUR_MS, FUNDING_MAX_AGE_MS),
            "premium": asof(f, "premium", at, FUNDING_MAX_AGE_MS),
            "premium_1h": asof(f, "premium", at - HOUR_MS, FUNDING_MAX_AGE_MS),
            "oi": asof(u, "open_interest", at, OI_MAX_AGE_MS),
            "oi_24h": asof(u, "open_interest", at - 24 * HOUR_MS, OI_MAX_AGE_MS),
        }
    return bars.cache["context"]


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    v = _values(bars)
    with np.errstate(divide="ignore", invalid="ignore"):
        oi_change = np.log(v["oi"] / v["oi_24h"])
    return {
        "funding_rate": v["funding"],
        "funding_change_8h": v["funding"] - v["funding_8h"],
        "premium": v["premium"],
        "premium_change_1h": v["premium"] - v["premium_1h"],
        "oi_change_24h": oi_change,
    }


def missing(bars: CoinBars) -> dict[str, np.ndarray]:
    v = _values(bars)
    return {name + "_missing": np.isnan(v[name]) for name in ("funding", "premium", "oi")}
