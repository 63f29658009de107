"""Candle ingestion for one coin over a window of days: fetch native intervals, resample 1m,
split by day, record coverage and gaps, write each day atomically.

Only closed bars are stored. The exchange also serves the bar still in progress (its open plus
its interval is after `now`) with the values so far; that bar is left out and recorded in the
day's coverage as `pending`, not as a gap. The next run after it closes rewrites the partition
with its final values."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.errors import ConfigError
from hl_pipeline.exchange.intervals import DAY_MS, INTERVAL_MS, candle_open, next_open
from hl_pipeline.lake.calendar import day_start_ms, iso_ms, observed_end_ms
from hl_pipeline.lake.coin_keys import coin_key
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.schemas import CANDLES
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.market.coverage import closed_end, expected_opens, find_gaps, span_status
from hl_pipeline.market.filing import filed_under
from hl_pipeline.market.resample import resample
from hl_pipeline.market.splitting import split_by_day

if TYPE_CHECKING:
    from hl_pipeline.exchange.client import InfoClient

CANDLE_KEY = ["interval", "source", "time"]


def _with_source(table: pa.Table, source: str, key: str) -> pa.Table:
    """`table` in the lake's schema, filed under the lake key `key` (a spot pair's is path-safe)."""
    n = table.num_rows
    return (
        filed_under(table, key)
        .append_column("source", pa.array([source] * n, pa.string()))
        .select(CANDLES.names)
        .cast(CANDLES)
    )


def source_clock_ms(client: InfoClient) -> int:
    """The exchange's clock, from which its candle retention counts back; the wall clock if it names
    none."""
    served = client.exchange_status().time
    return served if served is not None else int(time.time() * 1000)


def _day_coverage(
    date: str, now_ms: int, day: dict[tuple[str, str], pa.Table], horizons: dict[str, int | None]
):
    """Coverage per `interval/source` and the gaps of one coin-day."""
    ds = day_start_ms(date)
    de = ds + DAY_MS
    end = observed_end_ms(date, now_ms)
    coverage, gaps, unavailable = {}, [], []
    for (interval, source), rows in sorted(day.items()):
        horizon = horizons["1m" if source == "resampled" else interval]
        start = max(ds, horizon) if horizon is not None else ds
        status, reason = span_status(ds, de, start, end)
        closed = max(start, closed_end(interval, end, now_ms))  # bars opening from here are not final
        bar, pending = candle_open(now_ms, interval), None
        if status != "unavailable" and start <= bar < end:
            pending = {"open": iso_ms(bar), "close": iso_ms(next_open(bar, interval))}
            status = "partial"
            note = f"the {interval} bar opening {pending['open']} is not final until {pending['close']}"
            reason = f"{reason}; {note}" if reason else note
        expected: np.ndarray = (
            expected_opens(interval, start, closed, whole_bars=source == "resampled")
            if status != "unavailable"
            else np.empty(0, dtype=np.int64)
        )
        present = rows.column("time").cast(pa.int64()).to_numpy()
        span_gaps = find_gaps(expected, present, INTERVAL_MS[interval], interval) if len(expected) else []
        for g in span_gaps:
            g["source"] = source
        gaps += span_gaps
        key = f"{interval}/{source}"
        if status == "unavailable":
            unavailable.append({"interval": interval, "source": source, "reason": reason})
        coverage[key] = {
            "status": status,
            "reason": reason,
            "expected_start": iso_ms(start),
            "expected_end": iso_ms(closed if status != "unavailable" else max(start, end)),
            "expected_bars": len(expected),
            "present_bars": int(rows.num_rows),
        }
        if pending:
            coverage[key]["pending"] = pending
    return coverage, gaps, unavailable


def ingest_candles(
    client,
    root: Location,
    coin: str,
    dates: Sequence[str],
    now_ms: int,
    native: Sequence[str],
    resampled: Sequence[str],
    log: Callable[[str], None] = lambda _: None,
) -> list[Manifest]:
    """Fetch, resample, split and write `coin`'s candles for `dates`; one manifest per day. `coin` is
    the exchange's name (a perp, or a spot pair such as PURR/USDC), filed under its lake key."""
    if resampled and "1m" not in native:
        raise ConfigError("resampled intervals need 1m among the native intervals")
    key = coin_key(coin)
    window_start = day_start_ms(dates[0])
    window_end = observed_end_ms(dates[-1], now_ms)
    kept_as_of = max(now_ms, source_clock_ms(client))  # a clock frozen in the past sees today's retention
    horizons = {iv: client.candle_horizon(iv, kept_as_of) for iv in native}
    tables: dict[tuple[str, str], pa.Table] = {}
    for interval in native:
        start = max(window_start, horizons[interval] or window_start)
        fetched = (
            client.candles(coin, interval, start, window_end - 1)
            if start < window_end
            else CANDLES.empty_table()
        )
        served = fetched.num_rows
        final_end = closed_end(interval, window_end, now_ms)  # the bar in progress is not final
        fetched = (
            fetched.filter(pc.less(fetched.column("time").cast(pa.int64()), final_end))
            if fetched.num_rows
            else fetched
        )
        tables[(interval, "api")] = (
            _with_source(fetched, "api", key) if fetched.num_rows else CANDLES.empty_table()
        )
        open_bar = ", the bar in progress left out" if served > fetched.num_rows else ""
        log(f"{coin} {interval}: {fetched.num_rows} candles fetched{open_bar}")
    for interval in resampled:
        tables[(interval, "resampled")] = resample(tables[("1m", "api")], interval)

    per_day = {key: split_by_day(t, list(dates)) for key, t in tables.items()}
    ingest_time = dt.datetime.now(dt.UTC).isoformat()
    manifests = []
    for date in dates:
        day = {key: per_day[key][date] for key in tables}
        coverage, gaps, unavailable = _day_coverage(date, now_ms, day, horizons)
        table, dropped = dedupe_sorted(pa.concat_tables(day.values()), CANDLE_KEY)
        manifest = Manifest.for_table(
            "candles",
            date,
            key,
            table,
            "hyperliquid info candleSnapshot",
            duplicates_dropped=dropped,
            ingest_time=ingest_time,
            gaps=gaps,
            unavailable=unavailable,
            coverage=coverage,
        )
        write_partition(root, table, manifest)
        manifests.append(manifest)
    return manifests


def unavailable_candles(root: Location, dates: Sequence[str], coins: Sequence[str]) -> dict[str, list[str]]:
    """ "interval/source: reason" -> the "COIN DATE"s whose written partition records it unavailable."""
    from hl_pipeline.lake.reader import read_manifest

    out: dict[str, list[str]] = {}
    for date in dates:
        for coin in coins:
            manifest = read_manifest(root, "candles", date, coin_key(coin))
            for u in manifest.unavailable if manifest else []:
                out.setdefault(f"{u['interval']}/{u['source']}: {u['reason']}", []).append(f"{coin} {date}")
    return out
