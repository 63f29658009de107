"""Resampling 1m candles into any of the 14 intervals (open of first, close of last, ...)."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import INTERVAL_MS, candle_open, next_open
from hl_pipeline.simulator.minutes import Candles, empty


def open_times(t_ms: np.ndarray, interval: str) -> np.ndarray:
    """Vectorised `candle_open`: the open of the `interval` candle holding each time."""
    t = np.asarray(t_ms, dtype=np.int64)
    if t.size == 0:
        return t
    if interval != "1M":
        return _fixed_open(t, interval)
    months = [candle_open(int(t.min()), "1M")]
    while months[-1] <= int(t.max()):
        months.append(next_open(months[-1], "1M"))
    starts = np.asarray(months, dtype=np.int64)
    return starts[np.searchsorted(starts, t, side="right") - 1]


def _fixed_open(t: np.ndarray, interval: str) -> np.ndarray:
    step = INTERVAL_MS[interval]
    offset = candle_open(0, interval) % step if interval == "1w" else 0
    return (t - offset) // step * step + offset


def aggregate(fine: Candles, interval: str) -> Candles:
    """Group consecutive finer candles by their `interval` open time."""
    if len(fine) == 0:
        return empty()
    keys = open_times(fine.t, interval)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)] - 1
    return Candles(
        keys[starts],
        fine.o[starts],
        np.maximum.reduceat(fine.h, starts),
        np.minimum.reduceat(fine.l, starts),
        fine.c[ends],
        np.add.reduceat(fine.v, starts),
        np.add.reduceat(fine.n, starts),
    )
