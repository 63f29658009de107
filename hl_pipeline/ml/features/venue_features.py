"""Features against other venues, read as of the bar's close: basis of Hyperliquid's close against the
venues' oracle-weighted median, the venues' recent return and its lead-lag against Hyperliquid's, the
funding spread (Hyperliquid's hourly rate against the venues' normalised to an hour) and Hyperliquid's
share of the open interest. A venue's 1m candle is known at its close; no venue data is NaN, never 0."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.ml.features.bars import CoinBars
from hl_pipeline.ml.features.catalog import (
    FUNDING_MAX_AGE_MS,
    OI_MAX_AGE_MS,
    VENUE_FUNDING_MAX_AGE_MS,
    VENUE_OI_MAX_AGE_MS,
)
from hl_pipeline.ml.features.context_features import asof
from hl_pipeline.venues.crossval import weighted_median
from hl_pipeline.venues.names import oracle_weight

LEAD_BARS = 5


def _per_venue(rows: pd.DataFrame, column: str, at: np.ndarray, max_age_ms: int) -> np.ndarray:
    """Columns per venue (bars x venues) of the latest `column` known at `at`."""
    venues = sorted(rows["venue"].unique()) if len(rows) else []
    return (
        np.column_stack([asof(rows[rows["venue"] == v], column, at, max_age_ms) for v in venues])
        if venues
        else np.full((len(at), 0), np.nan)
    )


def _median_close(bars: CoinBars) -> np.ndarray:
    """The venues' weighted median close of each bar's last minute (NaN where no venue served it)."""
    rows = bars.venue_candles
    last_minute = bars.closes_at - MINUTE_MS
    venues = sorted(rows["venue"].unique()) if len(rows) else []
    closes = np.full((len(bars.times), len(venues)), np.nan)
    for j, venue in enumerate(venues):
        mine = rows[rows["venue"] == venue]
        by_time = pd.Series(mine["close"].to_numpy(dtype=float), index=mine["time"].to_numpy())
        by_time = by_time[~by_time.index.duplicated(keep="last")]
        closes[:, j] = by_time.reindex(last_minute).to_numpy()
    return weighted_median(closes, np.asarray([oracle_weight(v) for v in venues]))


def _mean(m: np.ndarray) -> np.ndarray:
    """Row means over the values present; NaN where a row has none."""
    present = (~np.isnan(m)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(present > 0, np.nansum(m, axis=1) / present, np.nan)


def _total(m: np.ndarray) -> np.ndarray:
    """Row sums over the values present; NaN where a row has none."""
    return np.where((~np.isnan(m)).any(axis=1), np.nansum(m, axis=1), np.nan)


def _values(bars: CoinBars) -> dict[str, np.ndarray]:
    if "venues" not in bars.cache:
        at = bars.closes_at
        funding = _per_venue(bars.venue_funding, "funding_rate_hourly", at, VENUE_FUNDING_MAX_AGE_MS)
        units = _per_venue(bars.venue_oi, "open_interest", at, VENUE_OI_MAX_AGE_MS)
        bars.cache["venues"] = {
            "median": _median_close(bars),
            "funding": _mean(funding),
            "oi": _total(units),
            "hl_funding": asof(bars.funding, "funding_rate", at, FUNDING_MAX_AGE_MS),
            "hl_oi": asof(bars.contexts, "open_interest", at, OI_MAX_AGE_MS),
        }
    return bars.cache["venues"]


def _lagged(x: np.ndarray, k: int) -> np.ndarray:
    out = np.full_like(x, np.nan)
    out[k:] = x[:-k]
    return out


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    v = _values(bars)
    close, median = bars.candles["close"], v["median"]
    with np.errstate(invalid="ignore", divide="ignore"):
        venue_ret = np.log(median / _lagged(median, LEAD_BARS))
        hl_ret = np.log(close / _lagged(close, LEAD_BARS))
        share = v["hl_oi"] / (v["hl_oi"] + v["oi"])
        return {
            "venue_basis_bps": (close / median - 1.0) * 1e4,
            "venue_ret_5": venue_ret,
            "venue_lead_lag_5": hl_ret - venue_ret,
            "funding_spread_hourly": v["hl_funding"] - v["funding"],
            "oi_share": share,
        }


def missing(bars: CoinBars) -> dict[str, np.ndarray]:
    v = _values(bars)
    return {
        "venues_missing": np.isnan(v["median"]),
        "venue_funding_missing": np.isnan(v["funding"]),
        "venue_oi_missing": np.isnan(v["oi"]),
    }
