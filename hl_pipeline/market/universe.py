"""The daily universe: listed perps with their asset contexts.

The REST API serves asset contexts only for the present, so today's partition gathers one
snapshot per run (appended, never replaced), while a past day that was never captured gets
the listing alone with its contexts recorded as unavailable. A past day that was captured is
left as it is: re-running it must not lose the snapshots taken that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa

from hl_pipeline.lake.calendar import date_of_ms, iso_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest, read_partition
from hl_pipeline.lake.schemas import UNIVERSE
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition

_CTX_FIELDS = (
    "funding",
    "open_interest",
    "prev_day_px",
    "day_ntl_vlm",
    "day_base_vlm",
    "premium",
    "oracle_px",
    "mark_px",
    "mid_px",
)


def _rows(meta, ctxs, tracked: Sequence[str], now_ms: int, ingest_ms: int) -> pa.Table:
    rows = []
    for asset, ctx in zip(meta.universe, ctxs or [None] * len(meta.universe), strict=True):
        row = {
            "coin": asset.name,
            "time": now_ms,
            "asset_id": asset.asset_id,
            "sz_decimals": asset.sz_decimals,
            "max_leverage": asset.max_leverage,
            "is_delisted": asset.is_delisted,
            "tracked": asset.name in tracked,
            "ingest_time": ingest_ms,
        }
        row.update({f: getattr(ctx, f) if ctx else None for f in _CTX_FIELDS})
        impact = ctx.impact_pxs if ctx else None
        row["impact_bid_px"], row["impact_ask_px"] = impact if impact else (None, None)
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=UNIVERSE)


def snapshot_universe(client, root: Location, date: str, tracked: Sequence[str], now_ms: int) -> Manifest:
    """Write (or extend) the universe partition of `date` as seen at `now_ms`."""
    existing = read_partition(root, "universe", date)
    today = date == date_of_ms(now_ms)
    if existing is not None and not today:
        manifest = read_manifest(root, "universe", date)
        assert manifest is not None  # the partition exists
        return manifest
    ingest_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    if today:
        meta, ctxs = client.meta_and_asset_ctxs()
        unavailable = []
    else:
        meta, ctxs = client.meta(), None
        unavailable = [
            {"interval": None, "source": "api", "reason": "asset contexts are served only for the present"}
        ]
    table = _rows(meta, ctxs, tracked, now_ms, ingest_ms)
    if existing is not None:
        table = pa.concat_tables([existing, table])
    table, dropped = dedupe_sorted(table, ["time", "coin"])
    snapshots = len(set(table.column("time").to_pylist()))
    manifest = Manifest.for_table(
        "universe",
        date,
        None,
        table,
        "hyperliquid info metaAndAssetCtxs" if today else "hyperliquid info meta",
        duplicates_dropped=dropped,
        ingest_time=iso_ms(ingest_ms),
        unavailable=unavailable,
        coverage={"snapshots": snapshots, "listed": len(meta.universe), "tracked": list(tracked)},
    )
    write_partition(root, table, manifest)
    return manifest
