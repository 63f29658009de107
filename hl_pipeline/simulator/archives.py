"""Simulated S3 archives in the real buckets' layouts, for days before a collector ran.

`hyperliquid-archive/market_data/YYYYMMDD/H/l2Book/COIN.lz4`: the same books the REST
and WebSocket sides serve, one every `book_every_ms` (real files hold one every ~0.6 s).
`hyperliquid-archive/asset_ctxs/YYYYMMDD.csv.lz4`: every coin's asset context each minute.
`hl-mainnet-node-data/node_fills_by_block/hourly/YYYYMMDD/H.lz4`: one block per distinct
trade time, each trade as two events (buyer and seller), fills as `userFills` gives them. The
real node data holds every coin; the simulated one only the coins asked for, to stay small.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from hl_pipeline.exchange.archive.keys import (
    ARCHIVE_BUCKET,
    NODE_DATA_BUCKET,
    asset_ctxs_key,
    l2_book_key,
    node_fills_key,
)
from hl_pipeline.exchange.archive.writer import L2Snapshot, write_l2_archive, write_lz4_lines
from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.context_history import HEADER, context_rows, day_minutes
from hl_pipeline.simulator.fills import wallet_fill_rows
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.positions import day_books

CAPTURE_LAG_MS = 120  # the archiver's capture time trails the book's exchange time
NODE_LAG_MS = 40  # a node sees a block this long after its time


def _iso(t_ms: int, extra_ns: int = 0) -> str:
    """ISO time to the nanosecond without a zone, as the archives write it."""
    base = dt.datetime.fromtimestamp(t_ms // 1000, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{(t_ms % 1000) * 1_000_000 + extra_ns:09d}"


def _levels(side: list[dict]) -> list[tuple[str, str, int]]:
    return [(lvl["px"], lvl["sz"], lvl["n"]) for lvl in side]


def write_book_archive(market: Market, root: Path, date: str, coin: str, book_every_ms: int) -> int:
    """One coin-day of l2Book files (24 hourly objects); returns the snapshot count."""
    i = market.coin_id(coin)
    spec, seed, total = market.config.coins[i], market.config.seed, 0
    for hour in range(24):
        start = day_start_ms(date) + hour * HOUR_MS
        snaps = []
        for t in range(start + book_every_ms // 2, start + HOUR_MS, book_every_ms):
            book = l2_book(seed, i, spec, t, None, None)
            bids, asks = (_levels(side) for side in book["levels"])
            snaps.append(
                L2Snapshot(_iso(book["time"] + CAPTURE_LAG_MS, t % 997), coin, book["time"], bids, asks)
            )
        total += write_l2_archive(root / l2_book_key(date, hour, coin), snaps)
    return total


def write_ctxs_archive(market: Market, root: Path, date: str, coins: list[str]) -> int:
    """One day of `asset_ctxs/YYYYMMDD.csv.lz4`: every coin's context each minute; returns the rows."""
    times = day_minutes(day_start_ms(date), market.config.listing_ms)
    lines = [HEADER]
    for coin_id in map(market.coin_id, coins):
        lines += context_rows(market.config, coin_id, market.sources[coin_id], times)
    path = root / asset_ctxs_key(date)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_lz4_lines(path, lines)
    return len(lines) - 1


def _day_fills(market: Market, date: str, coins: list[str]) -> dict[int, list[tuple[str, dict]]]:
    """trade time -> [(user, fill)] for every wallet's side of every trade of the day in `coins`."""
    day = day_start_ms(date) // DAY_MS
    by_time: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    addresses = market.wallets.addresses
    for coin_id in map(market.coin_id, coins):
        for wallet, book in day_books(market.tape, coin_id, day, day * DAY_MS + DAY_MS - 1).items():
            for fill in wallet_fill_rows(market.tape, wallet, coin_id, book):
                by_time[fill["time"]].append((addresses[wallet], fill))
    return by_time


def write_fills_archive(market: Market, root: Path, date: str, coins: list[str]) -> int:
    """One day of node_fills_by_block files (24 hourly objects); returns the fill count."""
    by_time, total = _day_fills(market, date, coins), 0
    start = day_start_ms(date)
    for hour in range(24):
        lo, hi = start + hour * HOUR_MS, start + (hour + 1) * HOUR_MS
        lines = []
        for t in sorted(x for x in by_time if lo <= x < hi):
            events = sorted(by_time[t], key=lambda e: (e[1]["tid"], e[1]["side"]))
            lines.append(
                json.dumps(
                    {
                        "local_time": _iso(t + NODE_LAG_MS),
                        "block_time": _iso(t),
                        "block_number": t - market.config.listing_ms,
                        "events": [[user, fill] for user, fill in events],
                    },
                    separators=(",", ":"),
                )
            )
            total += len(events)
        path = root / node_fills_key(date, hour)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_lz4_lines(path, lines)
    return total


def write_archives(
    config: SimulatorConfig,
    out: Path,
    dates: list[str],
    coins: list[str],
    *,
    book_every_ms: int = 60_000,
    progress: Callable[[str], None] = print,
    book_dir: Path | None = None,
    fills_dir: Path | None = None,
) -> dict[str, int]:
    """Books and fills of `coins` for each day in `dates`, under `out/<bucket>/` (or the folders
    given for either bucket); returns the counts."""
    book_dir, fills_dir = book_dir or out / ARCHIVE_BUCKET, fills_dir or out / NODE_DATA_BUCKET
    if book_every_ms < 100:
        raise ValueError(f"bad book interval {book_every_ms} ms: at least 100")
    market = Market(config)
    known = [c.name for c in config.coins]
    for coin in coins:  # every input is checked before anything is written
        if coin not in known:
            raise ValueError(f"unknown coin {coin!r}; the simulator lists {', '.join(known)}")
    for date in dates:
        if day_start_ms(date) + DAY_MS > config.now():
            raise ValueError(f"archive day {date} is not over yet; archives hold whole past days only")
    counts = {"book_snapshots": 0, "fills": 0, "asset_ctxs": 0}
    for date in dates:
        for coin in coins:
            counts["book_snapshots"] += write_book_archive(market, book_dir, date, coin, book_every_ms)
        counts["fills"] += write_fills_archive(market, fills_dir, date, coins)
        counts["asset_ctxs"] += write_ctxs_archive(market, book_dir, date, coins)
        progress(
            f"archived {date}: {counts['book_snapshots']} book snapshots, {counts['fills']} fills, "
            f"{counts['asset_ctxs']} asset contexts so far"
        )
    return counts
