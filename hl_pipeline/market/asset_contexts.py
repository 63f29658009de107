"""Daily `asset_contexts` partitions: each coin's funding, open interest, premium and prices through
the day, so a backfilled day has its open interest.

A day the `asset_ctxs` S3 archive holds gets its minute rows (source `archive`); minutes without a
row are gaps. A day it does not hold (today, or no archive configured) gets the contexts the
`universe` runs captured that day (source `snapshot`), recorded as unavailable at one a minute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.exchange.archive import asset_ctxs_key, read_asset_ctxs
from hl_pipeline.exchange.archive.sources import ArchiveSource
from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.lake.calendar import day_start_ms, iso_ms, observed_end_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_partition
from hl_pipeline.lake.schemas import ASSET_CONTEXTS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.market.coverage import expected_opens, find_gaps

VALUES = [f.name for f in ASSET_CONTEXTS if f.name not in ("coin", "time", "source", "ingest_time")]


def _from_archive(archive: ArchiveSource, date: str) -> pa.Table | None:
    key = asset_ctxs_key(date)
    if archive.size(key) is None:
        return None
    with archive.open(key) as body:
        raw = read_asset_ctxs(body, source=key)
    return raw.set_column(0, "time", pc.cast(raw.column("time"), pa.timestamp("ms", "UTC"), safe=False))


def _from_snapshots(root: Location, date: str) -> pa.Table:
    universe = read_partition(root, "universe", date)
    if universe is None:
        return ASSET_CONTEXTS.empty_table().select(["coin", "time", *VALUES])
    return universe.filter(pc.is_valid(universe.column("open_interest"))).select(["coin", "time", *VALUES])


def ingest_asset_contexts(
    root: Location,
    archive: ArchiveSource | None,
    coins: list[str],
    date: str,
    now_ms: int,
    log: Callable[[str], None] = lambda _: None,
) -> list[Manifest]:
    """Write one partition per coin for `date`; returns their manifests."""
    start, end = day_start_ms(date), observed_end_ms(date, now_ms)
    rows = _from_archive(archive, date) if archive is not None else None
    source = "archive" if rows is not None else "snapshot"
    where = f"archive {archive.describe_source()}" if rows is not None and archive else "universe snapshots"
    if rows is None:
        rows = _from_snapshots(root, date)
    ingest = dt.datetime.now(dt.UTC)
    manifests = []
    t = pc.cast(rows.column("time"), pa.int64())
    in_day = pc.and_(pc.greater_equal(t, start), pc.less(t, end))
    for coin in coins:
        mine = rows.filter(pc.and_(pc.equal(rows.column("coin"), coin), in_day))
        n = mine.num_rows
        table = mine.append_column("source", pa.array([source] * n, pa.string())).append_column(
            "ingest_time", pa.array([ingest] * n, pa.timestamp("ms", "UTC"))
        )
        table, dropped = dedupe_sorted(table.select(ASSET_CONTEXTS.names).cast(ASSET_CONTEXTS), ["time"])
        present = pc.cast(table.column("time"), pa.int64()).to_numpy()
        if source == "archive":
            gaps = find_gaps(expected_opens("1m", start, end, whole_bars=False), present, MINUTE_MS, "1m")
            unavailable = []
        else:
            gaps = []
            unavailable = [
                {
                    "interval": "1m",
                    "reason": f"no asset_ctxs archive object for {date}: "
                    f"{n} context(s) from universe snapshots",
                }
            ]
        manifest = Manifest.for_table(
            "asset_contexts",
            date,
            coin,
            table,
            where,
            duplicates_dropped=dropped,
            ingest_time=ingest.isoformat(),
            gaps=gaps,
            unavailable=unavailable,
            coverage={
                "source": source,
                "expected_start": iso_ms(start),
                "expected_end": iso_ms(end),
                "rows": table.num_rows,
                "missing_minutes": int(sum(g["bars"] for g in gaps)),
            },
        )
        write_partition(root, table, manifest)
        manifests.append(manifest)
        log(
            f"{coin} {date}: {table.num_rows} asset contexts from {where}"
            + (f", {len(gaps)} gap(s)" if gaps else "")
        )
    return manifests
