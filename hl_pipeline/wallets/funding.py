"""Daily partitions of wallet funding: every hourly payment of each tracked wallet per coin
(`userFunding`, paged), as the exchange booked it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.calendar import day_start_ms, iso_ms, observed_end_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_partition
from hl_pipeline.lake.schemas import WALLET_FUNDING
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition

Log = Callable[[str], None]


def ingest_wallet_funding(
    client: InfoClient, root: Location, coins: list[str], date: str, now_ms: int, log: Log
) -> list[Manifest]:
    """Every funding payment in `date` of each wallet tracked that day, one partition per coin."""
    users = read_partition(root, "wallets", date)
    tracked = [] if users is None else users.column("user").to_pylist()
    start, end = day_start_ms(date), observed_end_ms(date, now_ms)
    ingest = dt.datetime.now(dt.UTC)
    rows, elsewhere = [], 0
    for user in tracked:
        for p in client.user_funding(user, start, end - 1):
            if p.coin not in coins:
                elsewhere += 1
                continue
            rows.append(
                {
                    "coin": p.coin,
                    "user": user,
                    "time": p.time,
                    "usdc": p.usdc,
                    "szi": p.szi,
                    "funding_rate": p.funding_rate,
                    "n_samples": p.n_samples,
                    "ingest_time": ingest,
                }
            )
    table = pa.Table.from_pylist(rows, schema=WALLET_FUNDING)
    manifests = []
    for coin in coins:
        part, dropped = dedupe_sorted(table.filter(pc.equal(table.column("coin"), coin)), ["time", "user"])
        manifest = Manifest.for_table(
            "wallet_funding",
            date,
            coin,
            part,
            "hyperliquid info userFunding",
            duplicates_dropped=dropped,
            ingest_time=ingest.isoformat(),
            coverage={
                "wallets": len(tracked),
                "expected_start": iso_ms(start),
                "expected_end": iso_ms(end),
                "payments_of_other_coins": elsewhere,
            },
        )
        write_partition(root, part, manifest)
        manifests.append(manifest)
    log(f"wallet funding {date}: {table.num_rows} payment(s) of {len(tracked)} wallet(s)")
    return manifests
