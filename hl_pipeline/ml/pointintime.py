"""When each input row becomes known, and as-of lookups that never reach past a cut time.

A row is *available* at the first millisecond both its exchange time has passed and it had
been received: ``max(time + 1, receive_time)``. A candle is available when its bar has
closed (``close_time + 1``). Funding and asset contexts carry no receive time (their
``ingest_time`` is when the lake stored them, often long after the fact), so their exchange
time decides; a venue's 1m candle (no close time) is known a minute after it opens. A feature at
a bar closing at C may read a row only if it is available by C.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def ms(values) -> np.ndarray:
    """Timestamps (datetime64 of any unit, tz-aware or not, or integer ms) as int64 milliseconds."""
    if isinstance(values, pd.Series | pd.Index):
        if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values.dtype):
            return values.to_numpy(dtype="datetime64[ms]").astype(np.int64)
        return values.to_numpy(dtype=np.int64)
    arr = np.asarray(values)
    if np.issubdtype(arr.dtype, np.datetime64):
        return arr.astype("datetime64[ms]").astype(np.int64)
    return arr.astype(np.int64)


def availability(frame: pd.DataFrame, dataset: str) -> np.ndarray:
    """The ms at which each row of a lake `dataset` frame becomes known (see the module docstring)."""
    if dataset == "candles":
        return ms(frame["close_time"]) + 1
    if dataset == "venue_candles":  # a venue's 1m bar is known at its close
        return ms(frame["time"]) + 60_000
    known = ms(frame["time"]) + 1
    if "receive_time" in frame.columns:
        known = np.maximum(known, ms(frame["receive_time"]))
    return known


def truncate(inputs: Mapping[str, pd.DataFrame], cut_ms: int) -> dict[str, pd.DataFrame]:
    """Every input as it stood at `cut_ms`: only the rows available by then."""
    return {name: frame[availability(frame, name) <= cut_ms] for name, frame in inputs.items()}


def asof_latest(available: np.ndarray, key: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For each query time in `at`, the position of the row with the greatest `key` among rows
    with ``available <= at``; -1 where none is. Rows may arrive out of order."""
    if len(available) == 0:
        return np.full(len(at), -1, dtype=np.int64)
    order = np.argsort(available, kind="stable")
    key_sorted = key[order]
    running = np.maximum.accumulate(key_sorted)
    # position (in sorted order) where the running maximum was last set
    is_new = np.r_[True, key_sorted[1:] >= running[:-1]]
    holder = np.maximum.accumulate(np.where(is_new, np.arange(len(order)), 0))
    pos = np.searchsorted(available[order], at, side="right") - 1
    out = np.full(len(at), -1, dtype=np.int64)
    ok = pos >= 0
    out[ok] = order[holder[pos[ok]]]
    return out


def take(values: np.ndarray, pos: np.ndarray, fill) -> np.ndarray:
    """`values[pos]`, with `fill` where pos is -1 (as `asof_latest` returns when nothing was known)."""
    if len(values) == 0:
        return np.full(len(pos), fill)
    return np.where(pos >= 0, values[np.maximum(pos, 0)], fill)
