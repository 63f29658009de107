"""Integrity partitions per coin-day: read the day's trades (and book snapshots), run a detector
from hl_pipeline.integrity, write the events (or statistics) atomically with a manifest that
records the detector's declared parameters and counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa

from hl_pipeline.errors import PreconditionError
from hl_pipeline.integrity.anomalies import PARAMS, coin_anomalies
from hl_pipeline.integrity.correlation import CorrelationParams, correlation_breaks, price_bars
from hl_pipeline.integrity.cotiming import CoTimingParams, cotiming_events
from hl_pipeline.integrity.events import Event, to_frame
from hl_pipeline.integrity.spoofing import SpoofParams, name_spoofers, spoof_events
from hl_pipeline.integrity.venue_stats import size_decimals, venue_statistics
from hl_pipeline.integrity.wash import WashParams, wash_events
from hl_pipeline.lake.calendar import day_start_ms, observed_end_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_partition
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.writer import write_partition

Log = Callable[[str], None]
EVENT_DATASETS = ("wash_trades", "spoofing", "market_anomalies")
HIGH_SCORE = 0.9  # events at or above it make the warn checks fail
WASH, SPOOF, BREAKS = WashParams(), SpoofParams(), CorrelationParams()  # the declared parameters
COTIMING = CoTimingParams()


def _read(root: Location, dataset: str, date: str, coin: str) -> pd.DataFrame:
    table = read_partition(root, dataset, date, coin)
    if table is None:
        raise PreconditionError(
            f"no {dataset} partition for {coin} {date}: materialize {dataset} for {date} first"
        )
    return table.to_pandas()


def _write(
    root: Location, dataset: str, date: str, coin: str, frame: pd.DataFrame, source: str, details: dict
) -> Manifest:
    frame = frame.assign(ingest_time=pd.Timestamp(dt.datetime.now(dt.UTC)).floor("ms"))
    table = pa.Table.from_pandas(frame, schema=SCHEMAS[dataset], preserve_index=False)
    manifest = Manifest.for_table(dataset, date, coin, table, source, details=details)
    write_partition(root, table, manifest)
    return manifest


def _events(
    root: Location,
    dataset: str,
    date: str,
    coin: str,
    events: list[Event],
    source: str,
    params: Any,
    log: Log,
) -> Manifest:
    frame = to_frame(events)
    counts = frame["type"].value_counts().to_dict()
    declared = (
        {k: dataclasses.asdict(v) for k, v in params.items()}
        if isinstance(params, dict)
        else dataclasses.asdict(params)
    )
    details = {"params": declared, "events": {str(k): int(v) for k, v in counts.items()}}
    high = int((frame["score"] >= HIGH_SCORE).sum())
    log(f"{dataset} {coin} {date}: {len(frame)} event(s), {high} scoring >= {HIGH_SCORE}")
    return _write(root, dataset, date, coin, frame, source, details)


def ingest_wash_trades(root: Location, coins: list[str], date: str, log: Log) -> list[Manifest]:
    """Wash rings and linked-address clusters (co-timing) of each coin-day from its trades."""
    out = []
    for c in coins:
        trades = _read(root, "trades", date, c)
        events = wash_events(trades, WASH) + cotiming_events(trades, COTIMING)
        params = {"wash": WASH, "linked_cluster": COTIMING}
        out.append(_events(root, "wash_trades", date, c, events, "trades", params, log))
    return out


def ingest_market_anomalies(
    root: Location, coins: list[str], date: str, now_ms: int, log: Log
) -> list[Manifest]:
    """Volume and price spikes, pump-and-dump episodes, markings around funding and liquidation
    cascades of each coin-day (today up to now) from its trades, and breaks of each coin's
    correlation with the others'."""
    start, end = day_start_ms(date), observed_end_ms(date, now_ms)
    params = {**PARAMS, "correlation_break": BREAKS}
    events, bars = {}, {}
    for c in coins:  # one coin's trades in memory at a time; the cross-coin step needs only its bars
        trades = _read(root, "trades", date, c)
        events[c] = coin_anomalies(trades, start, end)
        if not trades.empty:
            bars[c] = price_bars(trades, start, end, BREAKS)
    if len(bars) < BREAKS.min_coins:
        log(f"correlation breaks need {BREAKS.min_coins} coins with trades on {date}, got {len(bars)}: none")
    breaks = correlation_breaks(bars, events, BREAKS)
    return [
        _events(root, "market_anomalies", date, c, events[c] + breaks.get(c, []), "trades", params, log)
        for c in coins
    ]


def ingest_spoofing(root: Location, coins: list[str], date: str, log: Log) -> list[Manifest]:
    """Spoof episodes of each coin-day from its book snapshots and trades, each named for the opposite
    taker that recurs against the day's spoofs on any coins (all coins are detected before any is
    written)."""
    found = {}
    for c in coins:  # one coin's books and trades in memory at a time
        books, trades = _read(root, "book_snapshots", date, c), _read(root, "trades", date, c)
        found[c] = spoof_events(books, trades, SPOOF)
    named = name_spoofers(found, SPOOF)
    spoofers = sorted({e.addresses[0] for events in named.values() for e in events if e.addresses})
    log(f"spoofing {date}: {len(spoofers)} suspected spoofer(s) {', '.join(spoofers) or '-'}")
    return [
        _events(root, "spoofing", date, c, named[c], "book_snapshots and trades", SPOOF, log) for c in coins
    ]


def ingest_venue_integrity(root: Location, coins: list[str], date: str, log: Log) -> list[Manifest]:
    """One row of venue statistics per coin-day from its trades."""
    out = []
    for c in coins:
        trades = _read(root, "trades", date, c)
        row = venue_statistics(trades, size_decimals(trades["sz"].to_numpy(float)))
        frame = pd.DataFrame([{"time": pd.Timestamp(day_start_ms(date), unit="ms", tz="UTC"), **row}])
        log(f"venue_integrity {c} {date}: {len(trades)} trades, Benford MAD {row['benford_mad']:.4f}")
        out.append(_write(root, "venue_integrity", date, c, frame, "trades", {}))
    return out
