"""Splitting a time-sorted table into UTC-day slices."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.calendar import day_start_ms


def split_by_day(table: pa.Table, dates: list[str]) -> dict[str, pa.Table]:
    """Rows of each date in `dates`, by the UTC day of `time`; `table` must be sorted by time."""
    t = table.column("time").cast(pa.int64()).to_numpy()
    out = {}
    for date in dates:
        start = day_start_ms(date)
        lo, hi = np.searchsorted(t, [start, start + DAY_MS], side="left")
        out[date] = table.slice(int(lo), int(hi - lo))
    return out
