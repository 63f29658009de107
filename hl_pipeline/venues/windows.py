"""Explicit request windows: a span cut into pieces one request returns whole, so nothing is truncated
silently (ccxt's `paginate` without `until` keeps only the latest ten windows)."""

from __future__ import annotations

import math

CANDLES_PER_REQUEST = {
    "binanceusdm": 1000,
    "binance": 1000,
    "bybit": 1000,
    "okx": 300,
    "coinbaseexchange": 300,
}
"""1m rows one request returns whole (ccxt's caps; the venue's where lower)."""
FUNDING_PER_REQUEST = {"binanceusdm": 1000, "bybit": 200, "okx": 100}
OI_PER_REQUEST = {"binanceusdm": 500, "bybit": 200, "okx": 100}
REQUESTS_PER_SECOND = {"binanceusdm": 2400 / 60 / 5, "bybit": 10.0, "okx": 20 / 2, "coinbaseexchange": 10.0}
"""What each venue's public budget allows for 1m candle requests of the size above (binanceusdm: weight 5
per 1000-row klines out of 2400 a minute; okx history-candles 20 per 2 s; bybit and coinbase 10 a second)."""


def windows(start_ms: int, end_ms: int, step_ms: int, per_request: int) -> list[tuple[int, int]]:
    """[start, end) cut into [a, b) spans of at most `per_request` steps, oldest first."""
    span = step_ms * per_request
    return [(a, min(a + span, end_ms)) for a in range(start_ms, end_ms, span)]


def candle_requests(venue: str, minutes: int) -> int:
    return math.ceil(minutes / CANDLES_PER_REQUEST.get(venue, 500))


def seconds_at_limit(venue: str, requests: int) -> float:
    """Wall time of `requests` candle requests held to the venue's public rate limit."""
    return requests / REQUESTS_PER_SECOND.get(venue, 10.0)
