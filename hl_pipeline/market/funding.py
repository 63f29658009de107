"""Funding-rate ingestion for one coin over a window of days: hourly rows, gaps listed per day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.lake.calendar import day_start_ms, iso_ms, observed_end_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.market.coverage import expected_opens, find_gaps, span_status
from hl_pipeline.market.splitting import split_by_day


def ingest_funding(
    client,
    root: Location,
    coin: str,
    dates: Sequence[str],
    now_ms: int,
    log: Callable[[str], None] = lambda _: None,
) -> list[Manifest]:
    """Fetch `coin`'s funding history for `dates` and write one partition per day."""
    window_start = day_start_ms(dates[0])
    window_end = observed_end_ms(dates[-1], now_ms)
    fetched = client.funding_history(coin, window_start, window_end - 1)
    fetched = fetched.sort_by("time")
    log(f"{coin} funding: {fetched.num_rows} rows fetched")
    ingest_time = dt.datetime.now(dt.UTC).isoformat()
    manifests = []
    for date, day in split_by_day(fetched, list(dates)).items():
        table, dropped = dedupe_sorted(day, ["time"])
        ds = day_start_ms(date)
        end = observed_end_ms(date, now_ms)
        status, reason = span_status(ds, ds + DAY_MS, ds, end)
        expected = expected_opens("1h", ds, end, whole_bars=False)
        hours = table.column("time").cast(pa.int64()).to_numpy() // HOUR_MS * HOUR_MS
        manifest = Manifest.for_table(
            "funding",
            date,
            coin,
            table,
            "hyperliquid info fundingHistory",
            duplicates_dropped=dropped,
            ingest_time=ingest_time,
            gaps=find_gaps(expected, np.unique(hours), HOUR_MS, "1h"),
            coverage={
                "1h/api": {
                    "status": status,
                    "reason": reason,
                    "expected_start": iso_ms(ds),
                    "expected_end": iso_ms(end),
                    "expected_bars": len(expected),
                    "present_bars": table.num_rows,
                }
            },
        )
        write_partition(root, table, manifest)
        manifests.append(manifest)
    return manifests
