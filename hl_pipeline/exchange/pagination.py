"""Page arithmetic: how many items a request should return, and merging pages without repeats."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from hl_pipeline.exchange.intervals import HOUR_MS, INTERVAL_MS, candle_open

CANDLE_PAGE = 5000  # candles per candleSnapshot response (and retained per coin/interval)
FUNDING_PAGE = 500  # rows per fundingHistory response
FILLS_PAGE = 2000  # fills per userFillsByTime response


def expected_candles(interval: str, start_ms: int, end_ms: int, cap: int = CANDLE_PAGE) -> int:
    """Candles overlapping [start_ms, end_ms], capped at a page."""
    if interval == "1M":
        return min(cap, (end_ms - start_ms) // (28 * 24 * HOUR_MS) + 2)
    step = INTERVAL_MS[interval]
    return min(cap, (candle_open(end_ms, interval) - candle_open(start_ms, interval)) // step + 1)


def expected_funding(start_ms: int, end_ms: int, cap: int = FUNDING_PAGE) -> int:
    """Hourly funding rows in [start_ms, end_ms], capped at a page."""
    return min(cap, (end_ms - start_ms) // HOUR_MS + 1)


def times_of(table: pa.Table) -> np.ndarray:
    return table.column("time").cast(pa.int64()).to_numpy()


def merge_by_time(pages: list[pa.Table], schema: pa.Schema) -> pa.Table:
    """Concatenate pages, sort ascending by `time` and keep the first row of each time."""
    if not pages:
        return schema.empty_table()
    table = pa.concat_tables(pages) if len(pages) > 1 else pages[0]
    t = times_of(table)
    if len(t) < 2 or bool(np.all(t[1:] > t[:-1])):
        return table
    order = np.argsort(t, kind="stable")
    ts = t[order]
    keep = np.concatenate(([True], ts[1:] != ts[:-1]))
    return table.take(pa.array(order[keep]))
