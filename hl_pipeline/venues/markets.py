"""The venue_markets partitions: each venue's markets loaded once, each configured coin mapped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyarrow as pa

from hl_pipeline.lake.calendar import day_start_ms, observed_end_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_range
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.venues.fetch import VenueDown, load_markets
from hl_pipeline.venues.symbols import MappedMarket, map_coin
from hl_pipeline.venues.tables import mapped_markets, markets_table


def _mapped(client: Any, coins: Sequence[str]) -> tuple[list[MappedMarket], str | None]:
    try:
        loaded = load_markets(client)
    except VenueDown as exc:
        return [], f"down: {exc}"
    return [m for c in coins if (m := map_coin(client.id, c, loaded)) is not None], None


def snapshot_markets(
    root: Location, clients: dict[str, Any], coins: Sequence[str], dates: Sequence[str], now_ms: int
) -> list[Manifest]:
    """Write each day's venue_markets partition per coin: the market standing for it on every venue."""
    with ThreadPoolExecutor(max_workers=max(1, len(clients))) as pool:
        loaded = dict(zip(clients, pool.map(lambda c: _mapped(c, coins), clients.values())))
    ingest_time = dt.datetime.now(dt.UTC)
    ingest_ms = int(ingest_time.timestamp() * 1000)
    manifests = []
    for date in dates:
        stamp = min(observed_end_ms(date, now_ms), day_start_ms(date) + 86_400_000) - 1
        for coin in coins:
            found = [m for ms, _ in loaded.values() for m in ms if m.coin == coin]
            table = markets_table(found, stamp, ingest_ms)
            unavailable = [
                {"venue": v, "reason": down or f"{coin} is not listed on {v}"}
                for v, (ms, down) in loaded.items()
                if not any(m.coin == coin for m in ms)
            ]
            manifest = Manifest.for_table(
                "venue_markets",
                date,
                coin,
                table,
                "ccxt load_markets",
                ingest_time=ingest_time.isoformat(),
                unavailable=unavailable,
            )
            write_partition(root, table, manifest)
            manifests.append(manifest)
    return manifests


def stored_markets(root: Location, dates: Sequence[str], coins: Sequence[str]) -> list[MappedMarket]:
    """The newest mapping the lake holds for `coins` over `dates`."""
    table: pa.Table = read_range(root, "venue_markets", dates, coins)
    return mapped_markets(table)
