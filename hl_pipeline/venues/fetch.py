"""Fetching through ccxt over explicit windows, retrying its network errors; a refused symbol raises
`VenueRefused` naming the venue and the symbol."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.venues.symbols import MappedMarket
from hl_pipeline.venues.windows import CANDLES_PER_REQUEST, FUNDING_PER_REQUEST, OI_PER_REQUEST, windows

ATTEMPTS = 4
BACKOFF_S = 0.5


class VenueRefused(Exception):
    """The venue refused a request for a market (unknown symbol, bad parameters): not retried."""


class NotOffered(Exception):
    """The venue has no such series for the market (a spot market has no funding): recorded, not an error."""


class VenueDown(Exception):
    """The venue kept failing with network errors after every retry: a recorded gap."""


def retried(call: Callable[[], Any], what: str, sleep: Callable[[float], None] = time.sleep) -> Any:
    """`call()`, retried on ccxt's NetworkError (rate limits included) with doubling back-off."""
    import ccxt

    for attempt in range(ATTEMPTS):
        try:
            return call()
        except (ccxt.BadSymbol, ccxt.BadRequest) as exc:
            raise VenueRefused(f"{what}: {exc}") from None
        except ccxt.NetworkError as exc:
            if attempt == ATTEMPTS - 1:
                raise VenueDown(f"{what}: {type(exc).__name__} after {ATTEMPTS} attempts: {exc}") from None
            sleep(BACKOFF_S * 2**attempt)
        except ccxt.ExchangeError as exc:
            raise VenueRefused(f"{what}: {exc}") from None
    raise AssertionError("unreachable")


def load_markets(client: Any) -> dict[str, Any]:
    return retried(lambda: client.load_markets(), f"{client.id} load_markets")


def ohlcv(client: Any, market: MappedMarket, start_ms: int, end_ms: int) -> list[list]:
    """1m rows opening in [start_ms, end_ms), one bounded request per window, de-duplicated, oldest first."""
    per = CANDLES_PER_REQUEST.get(client.id, 500)
    rows: dict[int, list] = {}
    for a, b in windows(start_ms, end_ms, MINUTE_MS, per):
        what = f"{client.id} {market.symbol} 1m candles from {a}"
        call = partial(client.fetch_ohlcv, market.symbol, "1m", a, (b - a) // MINUTE_MS, {"until": b - 1})
        got = retried(call, what)
        rows.update({int(r[0]): r for r in got if a <= r[0] < b})
    return [rows[t] for t in sorted(rows)]


def hourly_opens(client: Any, market: MappedMarket, start_ms: int, end_ms: int) -> list[list]:
    """1h rows opening in [start_ms, end_ms) (to price open interest given only in USD)."""
    per = CANDLES_PER_REQUEST.get(client.id, 300)
    rows: dict[int, list] = {}
    first = start_ms // HOUR_MS * HOUR_MS
    for a, b in windows(first, end_ms, HOUR_MS, per):
        call = partial(client.fetch_ohlcv, market.symbol, "1h", a, -(-(b - a) // HOUR_MS), {"until": b - 1})
        got = retried(call, f"{client.id} {market.symbol} 1h candles from {a}")
        rows.update({int(r[0]): r for r in got if a <= r[0] < b})
    return [rows[t] for t in sorted(rows)]


def funding_history(client: Any, market: MappedMarket, start_ms: int, end_ms: int) -> list[dict]:
    """Funding settlements in [start_ms, end_ms), windows of as many hours as one request returns."""
    per = FUNDING_PER_REQUEST.get(client.id, 100)
    rows: dict[int, dict] = {}
    for a, b in windows(start_ms, end_ms, HOUR_MS, per):
        call = partial(client.fetch_funding_rate_history, market.symbol, a, per, {"until": b - 1})
        got = retried(call, f"{client.id} {market.symbol} funding from {a}")
        rows.update({int(r["timestamp"]): r for r in got if a <= r["timestamp"] < b})
    return [rows[t] for t in sorted(rows)]


def open_interest_history(client: Any, market: MappedMarket, start_ms: int, end_ms: int) -> list[dict]:
    """Hourly open interest in [start_ms, end_ms)."""
    per = OI_PER_REQUEST.get(client.id, 100)
    rows: dict[int, dict] = {}
    for a, b in windows(start_ms, end_ms, HOUR_MS, per):
        limit = -(-(b - a) // HOUR_MS)  # the hour under way has its sample too
        call = partial(client.fetch_open_interest_history, market.symbol, "1h", a, limit, {"until": b - 1})
        got = retried(call, f"{client.id} {market.symbol} open interest from {a}")
        rows.update({int(r["timestamp"]): r for r in got if a <= r["timestamp"] < b})
    return [rows[t] for t in sorted(rows)]
