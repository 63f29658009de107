"""candleSnapshot semantics: overlap window, retention of the newest N, page cap, JSON rows.

A response is rendered column by column (vectorised number strings, `numbers.px_strings`) and,
for the HTTP endpoint, straight into the JSON bytes the server sends: the same text
`json.dumps` gives for the rows, without a Python object per value. A year of 1m candles is
~530 pages of 5000 rows, and formatting them value by value kept the simulator's one event-loop
thread busier than the pipeline it serves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.exchange.intervals import INTERVAL_MS, MINUTE_MS, candle_open, next_open
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.minutes import Candles
from hl_pipeline.simulator.numbers import lot_strings, px_strings

FIELDS = ("t", "T", "s", "i", "o", "c", "h", "l", "v", "n")
"""The keys of a candle, in the order the API prints them."""


@dataclasses.dataclass(frozen=True)
class Rendered:
    """A payload already encoded as JSON, and how many items it counts for the weight."""

    body: bytes
    items: int


def shift_open(open_ms: int, interval: str, k: int) -> int:
    """The open time `k` candles after (k < 0: before) the one opening at `open_ms`."""
    if interval != "1M":
        return open_ms + k * INTERVAL_MS[interval]
    d = dt.datetime.fromtimestamp(open_ms / 1000, tz=dt.UTC)
    year, month = divmod(d.year * 12 + d.month - 1 + k, 12)
    return int(dt.datetime(year, month + 1, 1, tzinfo=dt.UTC).timestamp()) * 1000


def served_candles(
    source: CandleSource,
    interval: str,
    start_ms: int,
    end_ms: int,
    now_ms: int,
    listing_ms: int,
    retention: int | None,
    cap: int,
) -> Candles | None:
    """The candles whose [t, T] overlaps [start_ms, end_ms] that the API serves, ascending (None: none)."""
    current = candle_open(now_ms, interval)
    first = candle_open(listing_ms, interval)
    if retention is not None:
        first = max(first, shift_open(current, interval, 1 - retention))
    lo = max(candle_open(start_ms, interval), first)
    hi = min(candle_open(end_ms, interval), current, shift_open(lo, interval, cap - 1))
    if start_ms > end_ms or lo > hi:
        return None
    until = min(next_open(hi, interval), candle_open(now_ms, "1m") + MINUTE_MS)
    return source.candles(interval, lo, until)


def _close_times(t: np.ndarray, interval: str) -> np.ndarray:
    if interval != "1M":
        return t + (INTERVAL_MS[interval] - 1)
    return np.asarray([next_open(x, interval) - 1 for x in t.tolist()], dtype=np.int64)


def _text_columns(c: Candles, interval: str, sz_decimals: int) -> dict[str, pa.Array]:
    """The columns that are strings or integers in the JSON, keyed by field (not `s`, `i`)."""
    return {
        "t": pa.array(c.t, pa.int64()),
        "T": pa.array(_close_times(c.t, interval), pa.int64()),
        "o": px_strings(c.o, sz_decimals),
        "c": px_strings(c.c, sz_decimals),
        "h": px_strings(c.h, sz_decimals),
        "l": px_strings(c.l, sz_decimals),
        "v": lot_strings(c.v, sz_decimals),
        "n": pa.array(c.n, pa.int64()),
    }


def candle_rows(
    source: CandleSource,
    coin: str,
    interval: str,
    start_ms: int,
    end_ms: int,
    now_ms: int,
    listing_ms: int,
    retention: int | None,
    cap: int,
) -> list[dict]:
    """Every candle whose [t, T] overlaps [start_ms, end_ms], ascending, as the API prints them."""
    c = served_candles(source, interval, start_ms, end_ms, now_ms, listing_ms, retention, cap)
    if c is None or not len(c):
        return []
    cols = {k: v.to_pylist() for k, v in _text_columns(c, interval, source.spec.sz_decimals).items()}
    cols["s"], cols["i"] = [coin] * len(c), [interval] * len(c)
    return [dict(zip(FIELDS, values)) for values in zip(*(cols[k] for k in FIELDS))]


def candle_body(
    source: CandleSource,
    coin: str,
    interval: str,
    start_ms: int,
    end_ms: int,
    now_ms: int,
    listing_ms: int,
    retention: int | None,
    cap: int,
) -> Rendered:
    """`candle_rows` encoded as `json.dumps(rows, separators=(",", ":"))` does, byte for byte."""
    c = served_candles(source, interval, start_ms, end_ms, now_ms, listing_ms, retention, cap)
    if c is None or not len(c):
        return Rendered(b"[]", 0)
    cols = _text_columns(c, interval, source.spec.sz_decimals)
    ints = {k: pc.cast(cols[k], pa.string()) for k in ("t", "T", "n")}
    names = f'"s":{json.dumps(coin)},"i":{json.dumps(interval)}'
    rows = pc.binary_join_element_wise(
        '{"t":',
        ints["t"],
        ',"T":',
        ints["T"],
        f',{names},"o":"',
        cols["o"],
        '","c":"',
        cols["c"],
        '","h":"',
        cols["h"],
        '","l":"',
        cols["l"],
        '","v":"',
        cols["v"],
        '","n":',
        ints["n"],
        "}",
        "",
    )
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(c)], pa.int32()), rows), ",")
    return Rendered(b"[" + joined[0].as_buffer().to_pybytes() + b"]", len(c))
