"""Candle intervals as Hyperliquid names them, and the arithmetic of their open times."""

from __future__ import annotations

import calendar
import datetime as dt

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
# 1970-01-05 was a Monday: weekly candles open on Mondays 00:00 UTC.
_MONDAY_MS = 4 * DAY_MS

INTERVAL_MS: dict[str, int] = {
    "1m": MINUTE_MS,
    "3m": 3 * MINUTE_MS,
    "5m": 5 * MINUTE_MS,
    "15m": 15 * MINUTE_MS,
    "30m": 30 * MINUTE_MS,
    "1h": HOUR_MS,
    "2h": 2 * HOUR_MS,
    "4h": 4 * HOUR_MS,
    "8h": 8 * HOUR_MS,
    "12h": 12 * HOUR_MS,
    "1d": DAY_MS,
    "3d": 3 * DAY_MS,
    "1w": WEEK_MS,
}
"""Fixed-length intervals; "1M" (calendar month) is handled apart."""

INTERVALS: tuple[str, ...] = (*INTERVAL_MS, "1M")


def month_start(t_ms: int, months_ahead: int = 0) -> int:
    """Start of the calendar month of `t_ms`, moved by `months_ahead` (negative goes back)."""
    d = dt.datetime.fromtimestamp(t_ms / 1000, tz=dt.UTC)
    index = d.year * 12 + d.month - 1 + months_ahead
    year, month = divmod(index, 12)
    return calendar.timegm((year, month + 1, 1, 0, 0, 0)) * 1000


def candle_open(t_ms: int, interval: str) -> int:
    """Open time of the candle of `interval` that contains `t_ms`."""
    if interval == "1M":
        return month_start(t_ms)
    step = INTERVAL_MS[interval]
    offset = _MONDAY_MS if interval == "1w" else 0
    return (t_ms - offset) // step * step + offset


def next_open(open_ms: int, interval: str) -> int:
    """Open time of the candle after the one opening at `open_ms`."""
    if interval == "1M":
        return month_start(open_ms, 1)
    return open_ms + INTERVAL_MS[interval]


def candle_close(open_ms: int, interval: str) -> int:
    """The `T` field: last millisecond of the candle opening at `open_ms`."""
    return next_open(open_ms, interval) - 1
