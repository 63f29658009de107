"""Venue datasets over a range of days: every venue fetched in its own thread (each has its own rate
limit), every mapped coin over the whole window, then one partition per coin-day holding every venue.

What a venue could not give is recorded in the manifest, never written as zeros: a coin it does not
list, a symbol it refused, a venue down after retries (`unavailable`), and missing minutes or hours
(`gaps`, with the venue and symbol). A refused or failed venue writes nothing for that coin."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.lake.calendar import day_start_ms, iso_ms, observed_end_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.market.coverage import expected_opens, find_gaps
from hl_pipeline.market.splitting import split_by_day
from hl_pipeline.venues.fetch import NotOffered, VenueDown, VenueRefused
from hl_pipeline.venues.symbols import MappedMarket

Log = Callable[[str], None]
Fetch = Callable[[Any, MappedMarket, int, int], pa.Table]
"""(ccxt client, market, start ms, end ms) -> the market's rows in the dataset's schema."""
KEYS = ["venue", "symbol", "time"]
STEPS = {
    "venue_candles": ("1m", MINUTE_MS),
    "venue_funding": (None, 0),
    "venue_open_interest": ("1h", HOUR_MS),
}
"""Per dataset: the grid rows are expected on (funding: the venue's own interval, not checked)."""


@dataclasses.dataclass
class Fetched:
    """One venue's outcome for every coin: rows, or why there are none."""

    tables: dict[str, pa.Table] = dataclasses.field(default_factory=dict)
    unavailable: dict[str, dict] = dataclasses.field(default_factory=dict)


def _fetch_venue(
    client: Any,
    markets: dict[str, MappedMarket],
    coins: Sequence[str],
    fetch: Fetch,
    span: tuple[int, int],
    log: Log,
) -> Fetched:
    out = Fetched()
    for coin in coins:
        market = markets.get(coin)
        if market is None:
            log(f"{coin} is not listed on {client.id}: recorded as unavailable, nothing written for it")
            out.unavailable[coin] = {"venue": client.id, "reason": f"{coin} is not listed on {client.id}"}
            continue
        try:
            out.tables[coin] = fetch(client, market, *span)
        except VenueRefused as exc:
            log(f"ERROR {client.id} refused {market.symbol} ({coin}): {exc}; nothing written for {client.id}")
            out.unavailable[coin] = {"venue": client.id, "symbol": market.symbol, "reason": f"refused: {exc}"}
        except NotOffered as exc:
            out.unavailable[coin] = {"venue": client.id, "symbol": market.symbol, "reason": str(exc)}
        except VenueDown as exc:
            log(f"{client.id} is down for {market.symbol}: {exc}; recorded as a gap")
            out.unavailable[coin] = {"venue": client.id, "symbol": market.symbol, "reason": f"down: {exc}"}
    return out


def _gaps(dataset: str, table: pa.Table, markets: list[MappedMarket], start: int, end: int) -> list[dict]:
    interval, step = STEPS[dataset]
    if interval is None:
        return []
    expected = expected_opens(interval, start, end, whole_bars=True)
    gaps = []
    venues = table.column("venue").to_numpy(zero_copy_only=False)
    times = table.column("time").cast(pa.int64()).to_numpy()
    for m in markets:
        present = times[venues == m.venue] // step * step
        gaps += [
            {"venue": m.venue, "symbol": m.symbol, **g}
            for g in find_gaps(expected, np.unique(present), step, interval)
        ]
    return gaps


def ingest_venues(
    root: Location,
    dataset: str,
    clients: dict[str, Any],
    markets: list[MappedMarket],
    coins: Sequence[str],
    dates: Sequence[str],
    now_ms: int,
    fetch: Fetch,
    log: Log = lambda _: None,
) -> list[Manifest]:
    """Fetch `dataset` from every venue of `clients` for `dates` and write one partition per coin-day."""
    span = (day_start_ms(dates[0]), observed_end_ms(dates[-1], now_ms))
    by_venue = {v: {m.coin: m for m in markets if m.venue == v} for v in clients}
    with ThreadPoolExecutor(max_workers=max(1, len(clients)), thread_name_prefix="venue") as pool:
        futures = {
            v: pool.submit(_fetch_venue, c, by_venue[v], coins, fetch, span, log) for v, c in clients.items()
        }
        fetched = {v: f.result() for v, f in futures.items()}
    ingest_time = dt.datetime.now(dt.UTC).isoformat()
    manifests = []
    for coin in coins:
        parts = [f.tables[coin] for f in fetched.values() if coin in f.tables]
        table = pa.concat_tables(parts) if parts else SCHEMAS[dataset].empty_table()
        table = table.sort_by("time")
        unavailable = [f.unavailable[coin] for f in fetched.values() if coin in f.unavailable]
        written = [by_venue[v][coin] for v in clients if coin in fetched[v].tables]
        for date, day in split_by_day(table, list(dates)).items():
            day, dropped = dedupe_sorted(day, KEYS)
            day = day.sort_by([("time", "ascending"), ("venue", "ascending")])
            start, end = day_start_ms(date), observed_end_ms(date, now_ms)
            venues = day.column("venue").to_pylist()
            manifest = Manifest.for_table(
                dataset,
                date,
                coin,
                day,
                f"ccxt {', '.join(clients)}",
                duplicates_dropped=dropped,
                ingest_time=ingest_time,
                gaps=_gaps(dataset, day, written, start, end),
                unavailable=unavailable,
                coverage={
                    m.venue: {"symbol": m.symbol, "rows": venues.count(m.venue), "expected_end": iso_ms(end)}
                    for m in written
                },
            )
            write_partition(root, day, manifest)
            manifests.append(manifest)
        log(
            f"{dataset} {coin}: {table.num_rows} rows from {len(written)} venue(s), "
            f"{len(unavailable)} unavailable"
        )
    return manifests
