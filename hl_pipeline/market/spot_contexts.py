"""Daily `asset_contexts` partitions of spot pairs, beside the perps': prices and 24-hour volume.

No archive holds spot contexts and `spotMetaAndAssetCtxs` serves only the present, so today's
partition gathers one snapshot per run (appended, never replaced), and a past day keeps what was
captured on it. Perp-only columns (funding, open interest, premium, oracle, impact) are null."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pyarrow as pa

from hl_pipeline.exchange.spot_payloads import SpotAssetContext, SpotMeta
from hl_pipeline.lake.calendar import date_of_ms, day_start_ms, iso_ms, observed_end_ms
from hl_pipeline.lake.coin_keys import coin_key
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_partition
from hl_pipeline.lake.schemas import ASSET_CONTEXTS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition

SOURCE = "hyperliquid info spotMetaAndAssetCtxs"


def snapshot_rows(
    meta: SpotMeta, ctxs: Sequence[SpotAssetContext], pairs: Sequence[str], now_ms: int
) -> dict[str, pa.Table]:
    """Lake key -> the one-row context of each pair in `pairs` at `now_ms` (ctxs[i] is universe[i]'s
    unless it names its coin); a pair without a context gets no row."""
    by_name = {ctx.coin or pair.name: ctx for pair, ctx in zip(meta.universe, ctxs, strict=False)}
    ingest = dt.datetime.now(dt.UTC)
    out = {}
    for name in pairs:
        ctx = by_name.get(name)
        rows = (
            [
                {
                    "coin": coin_key(name),
                    "time": now_ms,
                    "prev_day_px": ctx.prev_day_px,
                    "day_ntl_vlm": ctx.day_ntl_vlm,
                    "mark_px": ctx.mark_px,
                    "mid_px": ctx.mid_px,
                    "source": "snapshot",
                    "ingest_time": ingest,
                }
            ]
            if ctx
            else []
        )
        out[coin_key(name)] = pa.Table.from_pylist(rows, schema=ASSET_CONTEXTS)
    return out


def ingest_spot_contexts(
    snapshot: Callable[[], tuple[SpotMeta, list[SpotAssetContext]]],
    root: Location,
    pairs: Sequence[str],
    date: str,
    now_ms: int,
    log: Callable[[str], None] = lambda _: None,
) -> list[Manifest]:
    """Write one partition per spot pair for `date`, adding a `snapshot()` when `date` is today."""
    today = date == date_of_ms(now_ms)
    fresh = snapshot_rows(*snapshot(), pairs, now_ms) if today and pairs else {}
    manifests = []
    for name in pairs:
        key = coin_key(name)
        parts = [
            t for t in (read_partition(root, "asset_contexts", date, key), fresh.get(key)) if t is not None
        ]
        table = pa.concat_tables(parts) if parts else ASSET_CONTEXTS.empty_table()
        table, dropped = dedupe_sorted(table, ["time"])
        reason = f"spot contexts are served only for the present: {table.num_rows} snapshot(s) that day"
        manifest = Manifest.for_table(
            "asset_contexts",
            date,
            key,
            table,
            SOURCE,
            duplicates_dropped=dropped,
            unavailable=[{"interval": "1m", "reason": reason}],
            coverage={
                "source": "snapshot",
                "expected_start": iso_ms(day_start_ms(date)),
                "expected_end": iso_ms(observed_end_ms(date, now_ms)),
                "rows": table.num_rows,
            },
        )
        write_partition(root, table, manifest)
        manifests.append(manifest)
        log(f"{name} {date}: {table.num_rows} spot context snapshot(s)")
    return manifests
