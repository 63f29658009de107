"""Coarser candles from 1m candles. Only complete bars are built: a bar with a missing minute
is left out (and shows up as a gap), never filled."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from hl_pipeline.errors import ConfigError
from hl_pipeline.exchange.intervals import INTERVAL_MS, MINUTE_MS, candle_open
from hl_pipeline.lake.schemas import CANDLES


def resample(one_minute: pa.Table, interval: str) -> pa.Table:
    """Aggregate one coin's sorted, unique 1m candles into complete `interval` bars."""
    if interval not in INTERVAL_MS or interval == "1m":
        raise ConfigError(
            f"cannot resample 1m candles to {interval!r}; choose from {sorted(set(INTERVAL_MS) - {'1m'})}"
        )
    step = INTERVAL_MS[interval]
    if one_minute.num_rows == 0:
        return CANDLES.empty_table()
    t = one_minute.column("time").cast(pa.int64()).to_numpy()
    offset = candle_open(0, interval)  # weekly bars open on Mondays, others on the epoch grid
    opens = (t - offset) // step * step + offset
    starts = np.flatnonzero(np.r_[True, opens[1:] != opens[:-1]])
    counts = np.diff(np.r_[starts, len(t)])
    complete = counts == step // MINUTE_MS
    ends = starts + counts - 1

    def col(name: str) -> np.ndarray:
        return one_minute.column(name).to_numpy()

    out = {
        "coin": one_minute.column("coin").take(starts[complete]),
        "interval": pa.array([interval] * int(complete.sum()), pa.string()),
        "source": pa.array(["resampled"] * int(complete.sum()), pa.string()),
        "time": opens[starts][complete],
        "close_time": opens[starts][complete] + step - 1,
        "open": col("open")[starts][complete],
        "high": np.maximum.reduceat(col("high"), starts)[complete],
        "low": np.minimum.reduceat(col("low"), starts)[complete],
        "close": col("close")[ends][complete],
        "volume": np.add.reduceat(col("volume"), starts)[complete],
        "trades": np.add.reduceat(col("trades"), starts)[complete],
        "ingest_time": np.maximum.reduceat(
            one_minute.column("ingest_time").cast(pa.int64()).to_numpy(), starts
        )[complete],
    }
    return pa.table({name: out[name] for name in CANDLES.names}).cast(CANDLES)
