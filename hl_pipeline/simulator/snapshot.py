"""candleSnapshot semantics: overlap window, retention of the newest N, page cap, JSON rows."""

from __future__ import annotations

import datetime as dt

from hl_pipeline.exchange.intervals import INTERVAL_MS, MINUTE_MS, candle_open, next_open
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.numbers import fmt_lots, fmt_pxs


def shift_open(open_ms: int, interval: str, k: int) -> int:
    """The open time `k` candles after (k < 0: before) the one opening at `open_ms`."""
    if interval != "1M":
        return open_ms + k * INTERVAL_MS[interval]
    d = dt.datetime.fromtimestamp(open_ms / 1000, tz=dt.UTC)
    year, month = divmod(d.year * 12 + d.month - 1 + k, 12)
    return int(dt.datetime(year, month + 1, 1, tzinfo=dt.UTC).timestamp()) * 1000


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
    current = candle_open(now_ms, interval)
    first = candle_open(listing_ms, interval)
    if retention is not None:
        first = max(first, shift_open(current, interval, 1 - retention))
    lo = max(candle_open(start_ms, interval), first)
    hi = min(candle_open(end_ms, interval), current, shift_open(lo, interval, cap - 1))
    if start_ms > end_ms or lo > hi:
        return []
    until = min(next_open(hi, interval), candle_open(now_ms, "1m") + MINUTE_MS)
    c = source.candles(interval, lo, until)
    sz = source.spec.sz_decimals
    opens, highs, lows, closes = (fmt_pxs(a, sz) for a in (c.o, c.h, c.l, c.c))
    return [
        {
            "t": t,
            "T": next_open(t, interval) - 1,
            "s": coin,
            "i": interval,
            "o": opens[i],
            "c": closes[i],
            "h": highs[i],
            "l": lows[i],
            "v": fmt_lots(v, sz),
            "n": n,
        }
        for i, (t, v, n) in enumerate(zip(c.t.tolist(), c.v.tolist(), c.n.tolist()))
    ]
