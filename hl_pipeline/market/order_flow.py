"""Daily `trades` and `book_snapshots` partitions: from the collector's landing zone, or from the S3
archives for days the collector never saw. Every span without data becomes a gap in the manifest;
a trades gap carries the trades the exchange's 1m candles count in its minutes, when the collector
fetched them after the gap."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.exchange.archive import l2_book_key, node_fills_key, read_l2_snapshots, read_node_fills
from hl_pipeline.exchange.archive.sources import ArchiveSource
from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.lake.calendar import day_start_ms, iso_ms, observed_end_ms
from hl_pipeline.lake.coin_keys import coin_key, is_spot_name
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.schemas import BOOK_SNAPSHOTS, GAP_CANDLES, TRADES
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.market.archive_books import books_from_archive
from hl_pipeline.market.archive_trades import trades_from_fills
from hl_pipeline.market.filing import filed_under
from hl_pipeline.market.landing_zone import (
    files_of,
    gap_records,
    landing_files,
    listened_spans,
    listening,
    read_rows,
    unlistened,
)


@dataclass(frozen=True)
class Stream:
    """A collected dataset: its landing channel, schema, and unique key within a coin-day."""

    dataset: str
    channel: str
    schema: pa.Schema
    keys: tuple[str, ...]


TRADES_STREAM = Stream("trades", "trades", TRADES, ("time", "tid"))
BOOKS_STREAM = Stream("book_snapshots", "l2Book", BOOK_SNAPSHOTS, ("time", "side", "level"))


@dataclass(frozen=True)
class Sources:
    """Where order flow comes from: the landing zone (every collector folder in it) first, then the
    archives (None: not configured)."""

    landing: Path
    books_archive: ArchiveSource | None = None
    fills_archive: ArchiveSource | None = None


@dataclass
class _Day:
    table: pa.Table
    gaps: list[tuple[int, int, str]]
    source: str
    extra: dict


def _gap(channel: str, start: int, end: int, cause: str, exchange_trades: int | None = None) -> dict:
    gap = {
        "channel": channel,
        "start": iso_ms(start),
        "end": iso_ms(end),
        "minutes": math.ceil((end - start) / MINUTE_MS),
        "cause": cause,
    }
    return gap if exchange_trades is None else {**gap, "exchange_trades": exchange_trades}


def _manifest(
    stream: Stream, date: str, coin: str, day: _Day, start: int, end: int, dropped: int
) -> Manifest:
    table, channel = day.table, stream.channel
    missing_ms = sum(e - s for s, e, _ in day.gaps)
    status = "none" if missing_ms >= end - start else "partial" if missing_ms else "complete"
    return Manifest.for_table(
        stream.dataset,
        date,
        coin,
        table,
        day.source,
        duplicates_dropped=dropped,
        gaps=[
            _gap(channel, s, e, c, n)
            for (s, e, c), n in zip(day.gaps, day.extra.get("gap_trades") or [None] * len(day.gaps))
        ],
        unavailable=[{"interval": channel, "reason": day.extra["unavailable"]}]
        if "unavailable" in day.extra
        else [],
        coverage={
            channel: {
                "status": status,
                "expected_start": iso_ms(start),
                "expected_end": iso_ms(end),
                "missing_minutes": round(missing_ms / MINUTE_MS, 1),
                **{k: v for k, v in day.extra.items() if k not in ("unavailable", "gap_trades")},
            }
        },
    )


def _from_landing(
    stream: Stream, sources: Sources, files: list[Path], coin: str, start: int, end: int, today: bool
) -> _Day:
    rows = read_rows(files, stream.schema, coin, start, end).sort_by("receive_time")
    records = gap_records(sources.landing, stream.channel, coin, start, end)
    holes = unlistened(
        start, end, listened_spans(files), records, "not yet landed" if today else "not collecting"
    )
    extra: dict[str, object] = {"landing_files": len(files)}
    if stream is TRADES_STREAM:
        extra["gap_trades"] = _trades_in_gaps(sources.landing, coin, holes)
    return _Day(rows, holes, f"landing {sources.landing}", extra)


def _trades_in_gaps(landing: Path, coin: str, holes: list[tuple[int, int, str]]) -> list[int | None]:
    """Per gap, the trades the exchange's 1m candles count in the minutes it touched (fetched by the
    collector after the gap), or None where the collector fetched none."""
    if not holes:
        return []
    lo, hi = holes[0][0] - MINUTE_MS, holes[-1][1]
    candles = read_rows(landing_files(landing, "gap_candles", lo, hi + DAY_MS), GAP_CANDLES, coin, lo, hi)
    minutes = dict(zip(pc.cast(candles["time"], pa.int64()).to_pylist(), candles["trades"].to_pylist()))
    out = []
    for s, e, _ in holes:
        touched = [t for t in minutes if s - s % MINUTE_MS <= t < e]
        out.append(sum(minutes[t] for t in touched) if touched else None)
    return out


def _hours(start: int, end: int) -> list[int]:
    return [h for h in range(24) if start + h * HOUR_MS < end]


def _archived(
    stream: Stream, archive: ArchiveSource | None, keys: dict[int, str], read, log: Callable[[str], None]
):
    """(every found object read with `read(stream, key)` and concatenated, objects read, missing hours)
    after logging the transfer plan; None if nothing is there."""
    if archive is None:
        return None
    plan = archive.plan(keys.values())
    log(f"{stream.dataset}: {plan.describe().splitlines()[-1]}")
    if not plan.objects:
        return None
    parts = []
    for obj in plan.objects:
        with archive.open(obj.key) as body:
            parts.append(read(body, obj.key))
    found = {o.key for o in plan.objects}
    return pa.concat_tables(parts), len(parts), [h for h, k in keys.items() if k not in found]


def _archive_holes(start: int, end: int, missing_hours: list[int]) -> list[tuple[int, int, str]]:
    return [
        (start + h * HOUR_MS, min(start + (h + 1) * HOUR_MS, end), "archive object missing")
        for h in missing_hours
    ]


def _books_from_archive(sources: Sources, coin: str, date: str, start: int, end: int, log) -> _Day | None:
    keys = {h: l2_book_key(date, h, coin) for h in _hours(start, end)}
    read = lambda body, key: books_from_archive(read_l2_snapshots(body, coin, source=key))  # noqa: E731
    found = _archived(BOOKS_STREAM, sources.books_archive, keys, read, log)
    if found is None:
        return None
    table, objects, missing = found
    assert sources.books_archive is not None  # found implies an archive
    return _Day(
        table.filter(_within(table, start, end)),
        _archive_holes(start, end, missing),
        f"archive {sources.books_archive.describe_source()}",
        {"archive_objects": objects},
    )


def _within(table: pa.Table, start: int, end: int):
    t = table.column("time").cast(pa.int64())
    return pc.and_(pc.greater_equal(t, start), pc.less(t, end))


def _trades_from_archive(
    sources: Sources, coins: list[str], date: str, start: int, end: int, log
) -> dict[str, _Day] | None:
    keys = {h: node_fills_key(date, h) for h in _hours(start, end)}
    found = _archived(
        TRADES_STREAM, sources.fills_archive, keys, lambda body, key: read_node_fills(body, source=key), log
    )
    if found is None:
        return None
    fills, objects, missing = found
    assert sources.fills_archive is not None  # found implies an archive
    by_coin, one_sided = trades_from_fills(fills, coins)
    holes, source = _archive_holes(start, end, missing), f"archive {sources.fills_archive.describe_source()}"
    return {
        c: _Day(
            t.filter(_within(t, start, end)),
            holes,
            source,
            {"archive_objects": objects, "one_sided_trades": one_sided[c]},
        )
        for c, t in by_coin.items()
    }


def _nothing(stream: Stream, start: int, end: int, coin: str) -> _Day:
    archives = "the S3 archives are read for perps only" if is_spot_name(coin) else "no archive objects"
    return _Day(
        stream.schema.empty_table(),
        [(start, end, "not collecting")],
        "none",
        {"unavailable": f"no landing files and {archives} for this day"},
    )


def ingest_order_flow(
    stream: Stream,
    root: Location,
    sources: Sources,
    coins: list[str],
    date: str,
    now_ms: int,
    log: Callable[[str], None] = lambda _: None,
) -> list[Manifest]:
    """Write one partition per coin for `date`; returns their manifests. `coins` are the exchange's
    names (perps, and spot pairs filed under their lake keys); spot days come from the landing zone
    only."""
    start, end = day_start_ms(date), observed_end_ms(date, now_ms)
    today = end < start + 24 * HOUR_MS
    files = landing_files(sources.landing, stream.channel, start, end)
    perps = [c for c in coins if not is_spot_name(c)]
    days: Mapping[str, _Day | None]
    if files:  # a coin's day reads the files of the collectors subscribed to it
        subscribed = listening(files)
        days = {
            c: _from_landing(stream, sources, files_of(files, subscribed, c), c, start, end, today)
            for c in coins
        }
    elif stream is TRADES_STREAM:
        days = _trades_from_archive(sources, perps, date, start, end, log) or {}
    else:
        days = {c: _books_from_archive(sources, c, date, start, end, log) for c in perps}
    manifests = []
    for coin in coins:
        day = days.get(coin) or _nothing(stream, start, end, coin)
        day.table, dropped = dedupe_sorted(filed_under(day.table, coin_key(coin)), list(stream.keys))
        manifest = _manifest(stream, date, coin_key(coin), day, start, end, dropped)
        write_partition(root, day.table, manifest)
        log(
            f"{stream.dataset} {coin} {date}: {manifest.rows} rows from {day.source}; "
            f"{len(manifest.gaps)} gaps, {sum(g['minutes'] for g in manifest.gaps)} minutes without data"
        )
        manifests.append(manifest)
    return manifests
