"""ccxt rows as lake tables in Hyperliquid's units: prices per Hyperliquid coin, sizes in its units,
funding beside its hourly equivalent."""

from __future__ import annotations

import statistics
from typing import Any

import pyarrow as pa

from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.venues.symbols import MappedMarket

DEFAULT_FUNDING_HOURS = 8.0


def _table(dataset: str, market: MappedMarket, columns: dict[str, list], ingest_ms: int) -> pa.Table:
    n = len(columns["time"])
    schema = SCHEMAS[dataset]
    data = {
        "coin": [market.coin] * n,
        "venue": [market.venue] * n,
        "symbol": [market.symbol] * n,
        **columns,
        "ingest_time": [ingest_ms] * n,
    }
    return pa.table({f.name: pa.array(data[f.name], f.type) for f in schema}, schema=schema)


def candle_table(market: MappedMarket, rows: list[list], ingest_ms: int) -> pa.Table:
    """ccxt OHLCV rows `[t, o, h, l, c, v]` of `market` (v in the venue's base units)."""
    k = market.price_multiplier
    ok = [r for r in rows if None not in r[:5]]
    return _table(
        "venue_candles",
        market,
        {
            "time": [int(r[0]) for r in ok],
            "open": [float(r[1]) * k for r in ok],
            "high": [float(r[2]) * k for r in ok],
            "low": [float(r[3]) * k for r in ok],
            "close": [float(r[4]) * k for r in ok],
            "volume": [float(r[5] or 0.0) / k for r in ok],
        },
        ingest_ms,
    )


def funding_hours(rows: list[dict], market_info: dict[str, Any] | None = None) -> float:
    """The venue's funding interval: the usual spacing of its settlements, else its market's
    `fundingInterval` (minutes, Bybit), else 8 hours."""
    times = sorted(int(r["timestamp"]) for r in rows)
    gaps = [b - a for a, b in zip(times, times[1:]) if b > a]
    if gaps:
        return max(1.0, round(statistics.median(gaps) / HOUR_MS))
    minutes = (market_info or {}).get("fundingInterval")
    return float(minutes) / 60 if minutes else DEFAULT_FUNDING_HOURS


def funding_table(market: MappedMarket, rows: list[dict], hours: float, ingest_ms: int) -> pa.Table:
    ok = [r for r in rows if r.get("fundingRate") is not None]
    rates = [float(r["fundingRate"]) for r in ok]
    return _table(
        "venue_funding",
        market,
        {
            "time": [int(r["timestamp"]) for r in ok],
            "funding_rate": rates,
            "interval_hours": [hours] * len(ok),
            "funding_rate_hourly": [r / hours for r in rates],
        },
        ingest_ms,
    )


def _base_units(market: MappedMarket, r: dict) -> float | None:
    """Open interest in the venue's base units: `baseVolume`, else contracts times their size."""
    if r.get("baseVolume") is not None:
        return float(r["baseVolume"])
    if r.get("openInterestAmount") is not None:
        return float(r["openInterestAmount"]) * (market.contract_size if market.venue == "okx" else 1.0)
    return None


def open_interest_table(
    market: MappedMarket, rows: list[dict], hourly_opens: dict[int, float], ingest_ms: int
) -> pa.Table:
    """`hourly_opens` (hour -> the venue's open price) prices rows given only in USD."""
    base = [_base_units(market, r) for r in rows]
    for i, r in enumerate(rows):
        px = hourly_opens.get(int(r["timestamp"]) // HOUR_MS * HOUR_MS)
        if base[i] is None and r.get("openInterestValue") is not None and px:
            base[i] = float(r["openInterestValue"]) / px
    return _table(
        "venue_open_interest",
        market,
        {
            "time": [int(r["timestamp"]) for r in rows],
            "open_interest": [None if b is None else b / market.price_multiplier for b in base],
            "open_interest_usd": [
                None if r.get("openInterestValue") is None else float(r["openInterestValue"]) for r in rows
            ],
        },
        ingest_ms,
    )


def markets_table(markets: list[MappedMarket], loaded_ms: int, ingest_ms: int) -> pa.Table:
    schema = SCHEMAS["venue_markets"]
    rows = [
        {
            **{f: getattr(m, f) for f in ("coin", "venue", "symbol", "market_id", "base", "quote", "type")},
            "contract_size": m.contract_size,
            "price_multiplier": m.price_multiplier,
            "time": loaded_ms,
            "ingest_time": ingest_ms,
        }
        for m in markets
    ]
    return pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()


def mapped_markets(table: pa.Table) -> list[MappedMarket]:
    """The markets a venue_markets table holds (its newest row per coin and venue)."""
    newest: dict[tuple[str, str], dict] = {}
    for row in table.sort_by("time").to_pylist():
        newest[(row["coin"], row["venue"])] = row
    fields = [f for f in MappedMarket.__dataclass_fields__]
    return [MappedMarket(**{f: r[f] for f in fields}) for r in newest.values()]
