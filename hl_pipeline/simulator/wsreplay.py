"""The push loop of a connection, and trade replay (`ws_stream_rate`: N msgs/s or "burst").

Replay sends the tape one trade per message, in time order across the trades subscriptions,
and jumps the connection clock to each trade, so books/candles pushed meanwhile stay consistent.
Burst renders the tape an hour at a time and writes it in blocks of raw frames (wsframes.py),
as fast as the socket takes them.
"""

from __future__ import annotations

import asyncio
import time

from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.simulator import wsfeeds as feeds
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.wsconn import Connection, Sub, dumps
from hl_pipeline.simulator.wspush import push_due

TICK = 0.05  # seconds between checks of the periodic feeds
_REPLAY_HOURS = 48  # how far ahead a replay looks for the next trade of a quiet coin
_BLOCK = 256  # trades messages per transport write in burst mode
_BACKLOG = 1 << 20  # bytes the socket has not taken yet before a burst waits


def next_trade(conn: Connection, market: Market) -> dict | None:
    """Replay: the earliest not-yet-sent trade over the trades subscriptions (clock jumps to it)."""
    best: Sub | None = None
    for s in conn.subs.values():
        if s.sub["type"] != "trades":
            continue
        s.fetched = max(s.fetched, s.cursor)
        hours = 0
        while not s.replay and hours < _REPLAY_HOURS:
            s.replay = feeds.trades_between(market, s.coin, s.fetched, s.fetched + HOUR_MS)[::-1]
            s.fetched += HOUR_MS
            hours += 1
        if s.replay and (best is None or s.replay[-1]["time"] < best.replay[-1]["time"]):
            best = s
    if best is None:
        return None
    row = best.replay.pop()
    best.cursor = row["time"]
    conn.clock.advance_to(row["time"])
    return row


def burst_hours(conn: Connection, market: Market) -> list[dict]:
    """Burst: every trades subscription's trades up to one hour past the earliest cursor (or the
    first hour that has any, within _REPLAY_HOURS), in time order; cursors move past them."""
    subs = [s for s in conn.subs.values() if s.sub["type"] == "trades"]
    for _ in range(_REPLAY_HOURS if subs else 0):
        horizon = min(s.cursor for s in subs) + HOUR_MS
        rows = []
        for s in subs:
            rows += feeds.trades_between(market, s.coin, s.cursor, horizon)
            s.cursor = max(s.cursor, horizon)
        if rows:
            rows.sort(key=lambda r: r["time"])
            return rows
    return []


async def _burst(conn: Connection, market: Market) -> None:
    rows: list[dict] = []
    done = 0
    while not conn.closed:
        if conn.idle():
            return conn.abort()
        await push_due(conn, market, True)
        if conn.config.faults.ws_silent or conn.backlog() > _BACKLOG:
            await asyncio.sleep(0.001)
            continue
        if done == len(rows):
            rows, done = burst_hours(conn, market), 0
            if not rows:
                await asyncio.sleep(TICK)
                continue
        block = rows[done : done + _BLOCK]
        done += len(block)
        conn.clock.advance_to(block[-1]["time"])
        conn.burst([dumps({"channel": "trades", "data": [r]}) for r in block])
        await asyncio.sleep(0)


async def pump(conn: Connection, market: Market) -> None:
    """The connection's push task: idle rule, periodic feeds, and trade replay when configured."""
    rate = conn.config.ws_stream_rate
    if rate == "burst":
        return await _burst(conn, market)
    per_second = None if rate is None else float(rate)  # replayed trade messages per second
    next_at = time.monotonic()
    while not conn.closed:
        if conn.idle():
            return conn.abort()
        await push_due(conn, market, per_second is not None)
        end = time.monotonic() + TICK
        if per_second is None:
            await asyncio.sleep(TICK)
            continue
        count = 0
        while not conn.closed and (now := time.monotonic()) < end:
            if next_at > now:
                await asyncio.sleep(min(next_at, end) - now)
                continue
            row = None if conn.config.faults.ws_silent else next_trade(conn, market)
            if row is None:
                next_at = end
                await asyncio.sleep(end - now)
                break
            await conn.data("trades", [row], trade=True)
            next_at = max(next_at, now - 1) + 1 / per_second
            count += 1
            if count % 64 == 0:
                await asyncio.sleep(0)
