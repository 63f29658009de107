"""What each venue dataset fetches for one market and window, as a lake table."""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa

from hl_pipeline.venues import fetch, tables
from hl_pipeline.venues.symbols import MappedMarket


def _now_ms() -> int:
    return int(time.time() * 1000)


def _perpetual(client: Any, market: MappedMarket, what: str, capability: str) -> None:
    if market.type != "swap" or not client.has.get(capability):
        raise fetch.NotOffered(f"{client.id} has no {what} for {market.symbol} ({market.type})")


def candles(client: Any, market: MappedMarket, start_ms: int, end_ms: int) -> pa.Table:
    return tables.candle_table(market, fetch.ohlcv(client, market, start_ms, end_ms), _now_ms())


def funding(client: Any, market: MappedMarket, start_ms: int, end_ms: int) -> pa.Table:
    _perpetual(client, market, "funding", "fetchFundingRateHistory")
    rows = fetch.funding_history(client, market, start_ms, end_ms)
    info = client.markets.get(market.symbol, {}).get("info") if client.markets else None
    return tables.funding_table(market, rows, tables.funding_hours(rows, info), _now_ms())


def open_interest(client: Any, market: MappedMarket, start_ms: int, end_ms: int) -> pa.Table:
    """Hourly open interest; where the venue gives only USD (okx), units at its hourly open price."""
    _perpetual(client, market, "open interest", "fetchOpenInterestHistory")
    rows = fetch.open_interest_history(client, market, start_ms, end_ms)
    opens = {}
    if any(r.get("baseVolume") is None and r.get("openInterestAmount") is None for r in rows):
        opens = {int(r[0]): float(r[1]) for r in fetch.hourly_opens(client, market, start_ms, end_ms)}
    return tables.open_interest_table(market, rows, opens, _now_ms())


FETCHERS = {"venue_candles": candles, "venue_funding": funding, "venue_open_interest": open_interest}
