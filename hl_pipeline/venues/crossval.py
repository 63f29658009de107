"""Hyperliquid's 1m candles against other venues' (pure, pandas): per minute, the deviation of
Hyperliquid's close from each venue's close and from the venues' oracle-style weighted median.

Minutes beyond the threshold are flagged and kept; a minute a venue did not serve is a gap of that
venue (the median is taken over the venues present), not a fault of Hyperliquid's data."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from hl_pipeline.venues.names import oracle_weight

FLAG_BPS = 100.0  # |Hyperliquid close - venues' median| beyond this flags the minute
MAX_FLAGGED_SHARE = 0.01  # more flagged minutes than this fails the (warning) check


def weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise weighted median of `values` (rows x venues, NaN = absent): the lower value at which the
    cumulative weight reaches half (Hyperliquid's oracle rule); NaN where a row has no value."""
    values = np.asarray(values, dtype=float)
    if values.shape[1] == 0:
        return np.full(len(values), np.nan)
    w = np.where(np.isnan(values), 0.0, np.broadcast_to(np.asarray(weights, dtype=float), values.shape))
    order = np.argsort(np.where(np.isnan(values), np.inf, values), axis=1)
    v = np.take_along_axis(values, order, axis=1)
    cw = np.cumsum(np.take_along_axis(w, order, axis=1), axis=1)
    total = cw[:, -1:]
    idx = np.argmax(cw >= total / 2, axis=1)
    out = v[np.arange(len(v)), idx]
    return np.where(total[:, 0] > 0, out, np.nan)


@dataclasses.dataclass
class CrossVenue:
    """One coin-day compared: a frame per minute and what it amounts to."""

    minutes: pd.DataFrame  # time, hl_close, median, median_dev_bps, <venue>_dev_bps ..., flagged
    venues: list[str]

    @property
    def compared(self) -> int:
        return int(self.minutes["median"].notna().sum())

    @property
    def flagged(self) -> pd.DataFrame:
        return self.minutes[self.minutes["flagged"]]

    def venue_gaps(self) -> dict[str, int]:
        """Minutes with a Hyperliquid close that each venue did not serve."""
        return {v: int(self.minutes[f"{v}_dev_bps"].isna().sum()) for v in self.venues}

    def summary(self) -> dict[str, float | int | None]:
        dev = self.minutes["median_dev_bps"].dropna()
        return {
            "compared_minutes": self.compared,
            "flagged_minutes": int(self.minutes["flagged"].sum()),
            "median_dev_bps_mean": float(dev.mean()) if len(dev) else None,
            "median_dev_bps_abs_p99": float(dev.abs().quantile(0.99)) if len(dev) else None,
            **{
                f"{v}_dev_bps_mean": float(self.minutes[f"{v}_dev_bps"].mean())
                if self.minutes[f"{v}_dev_bps"].notna().any()
                else None
                for v in self.venues
            },
        }


def cross_validate(hl: pd.DataFrame, venues: pd.DataFrame, flag_bps: float = FLAG_BPS) -> CrossVenue:
    """`hl`: time and close of Hyperliquid's 1m candles; `venues`: venue, time, close of theirs."""
    closes = venues.pivot_table(index="time", columns="venue", values="close", aggfunc="last")
    names = sorted(closes.columns)
    frame = hl[["time", "close"]].rename(columns={"close": "hl_close"}).set_index("time")
    frame = frame.join(closes.reindex(columns=names), how="left")
    values = frame[names].to_numpy(dtype=float) if names else np.empty((len(frame), 0))
    frame["median"] = weighted_median(values, np.asarray([oracle_weight(v) for v in names]))
    frame["median_dev_bps"] = (frame["hl_close"] / frame["median"] - 1) * 1e4
    for v in names:
        frame[f"{v}_dev_bps"] = (frame["hl_close"] / frame[v] - 1) * 1e4
    frame["flagged"] = frame["median_dev_bps"].abs() > flag_bps
    out = frame.drop(columns=names).reset_index()
    return CrossVenue(out, names)


def funding_spread(hl: pd.DataFrame, venues: pd.DataFrame) -> pd.DataFrame:
    """Per venue settlement: Hyperliquid's hourly rate at that hour minus the venue's normalised hourly
    rate (`venue`, `time`, `spread_hourly`); `hl` has time and funding_rate (hourly)."""
    hours = (pd.to_datetime(hl["time"], utc=True).dt.floor("h")).to_numpy()
    by_hour = pd.Series(hl["funding_rate"].to_numpy(), index=hours)
    by_hour = by_hour[~by_hour.index.duplicated(keep="last")]
    at = pd.to_datetime(venues["time"], utc=True).dt.floor("h")
    hl_rate = by_hour.reindex(at.to_numpy()).to_numpy()
    return pd.DataFrame(
        {
            "venue": venues["venue"].to_numpy(),
            "time": venues["time"].to_numpy(),
            "spread_hourly": hl_rate - venues["funding_rate_hourly"].to_numpy(),
        }
    )
