"""Hand-built lake frames (Arrow schemas converted to pandas) and coverage for the quality tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from hl_pipeline.exchange.intervals import DAY_MS, INTERVAL_MS, MINUTE_MS
from hl_pipeline.lake.schemas import CANDLES, FUNDING, UNIVERSE


def day_ms(date: str) -> int:
    return int(dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC).timestamp() * 1000)


def iso(t_ms: int) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000, tz=dt.UTC).isoformat().replace("+00:00", "Z")


def _minutes(coin: str, start_ms: int, days: int) -> pd.DataFrame:
    n = days * DAY_MS // MINUTE_MS
    i = np.arange(n)
    open_ = 100 + 10 * np.sin(i / 500) + len(coin)
    close = open_ * (1 + 0.001 * np.cos(i / 7))
    return pd.DataFrame(
        {
            "coin": coin,
            "time": start_ms + i * MINUTE_MS,
            "open": open_,
            "close": close,
            "high": np.maximum(open_, close) + 0.05,
            "low": np.minimum(open_, close) - 0.05,
            "volume": 1.0 + (i % 13) / 10,
            "trades": 5 + i % 3,
        }
    )


def _bars(minutes: pd.DataFrame, interval: str) -> pd.DataFrame:
    step = INTERVAL_MS[interval]
    grouped = minutes.groupby(["coin", minutes["time"] // step * step])
    bars = grouped.agg(
        open=("open", "first"),
        high=("high", "max"),
        low=("low", "min"),
        close=("close", "last"),
        volume=("volume", "sum"),
        trades=("trades", "sum"),
    )
    return bars.reset_index()


def candles(coins=("BTC",), start="2024-03-01", days=1, native=("1m",), resampled=()) -> pd.DataFrame:
    """Consistent candles: 1m bars, `native` intervals from the API and `resampled` ones, equal."""
    minutes = pd.concat([_minutes(c, day_ms(start), days) for c in coins], ignore_index=True)
    parts = []
    for source, intervals in (("api", native), ("resampled", resampled)):
        for interval in intervals:
            bars = minutes if interval == "1m" else _bars(minutes, interval)
            parts.append(
                bars.assign(
                    interval=interval,
                    source=source,
                    close_time=bars["time"] + INTERVAL_MS[interval] - 1,
                    ingest_time=bars["time"],
                )
            )
    frame = pd.concat(parts, ignore_index=True).sort_values(
        ["coin", "interval", "source", "time"], kind="stable"
    )
    return pa.Table.from_pandas(frame[CANDLES.names], schema=CANDLES, preserve_index=False).to_pandas()


def funding(coins=("BTC",), start="2024-03-01", days=1) -> pd.DataFrame:
    hours = np.arange(days * 24) * 3_600_000 + day_ms(start)
    rows = [
        {"coin": c, "time": int(t) + 5, "funding_rate": 1.25e-5, "premium": -3e-4, "ingest_time": int(t)}
        for c in coins
        for t in hours
    ]
    return pa.Table.from_pylist(rows, schema=FUNDING).to_pandas()


def universe(coins=("BTC", "ETH"), start="2024-03-01", days=1, delisted=()) -> pd.DataFrame:
    rows = []
    for d in range(days):
        t = day_ms(start) + d * DAY_MS + 3_600_000
        for asset_id, coin in enumerate(coins):
            rows.append(
                {
                    "coin": coin,
                    "time": t,
                    "asset_id": asset_id,
                    "sz_decimals": 3,
                    "max_leverage": 20,
                    "is_delisted": coin in delisted,
                    "tracked": True,
                    "funding": 1e-5,
                    "open_interest": 10.0,
                    "prev_day_px": 100.0,
                    "oracle_px": 101.0,
                    "mark_px": 101.0,
                    "mid_px": 101.0,
                    "impact_bid_px": 100.9,
                    "impact_ask_px": 101.1,
                    "ingest_time": t,
                }
            )
    return pa.Table.from_pylist(rows, schema=UNIVERSE).to_pandas()


def coverage(coins, dates, series, status="complete", reason="") -> dict:
    """coverage[date][coin][series] spanning each whole day."""
    return {
        d: {
            c: {
                s: {
                    "expected_start": iso(day_ms(d)),
                    "expected_end": iso(day_ms(d) + DAY_MS),
                    "status": status,
                    "reason": reason,
                }
                for s in series
            }
            for c in coins
        }
        for d in dates
    }
