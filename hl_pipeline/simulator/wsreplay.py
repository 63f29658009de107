"""The push loop of a connection, and trade replay (`ws_stream_rate`: N msgs/s or "burst").

Replay sends the tape one trade per message, in time order across the trades subscriptions,
and jumps the connection clock to each trade, so books/candles pushed meanwhile stay consistent.
"""

from __future__ import annotations

import asyncio
import time

from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.simulator import wsfeeds as feeds
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.wsconn import Connection, Sub
from hl_pipeline.simulator.wspush import push_due

TICK = 0.05  # seconds between checks of the periodic feeds
_REPLAY_HOURS = 48  # how far ahead a replay looks for the next trade of a quiet coin


def next_trade(conn: Connection, market: Market) -> dict | None:
    """Replay: the earliest not-yet-sent trade over the trades subscriptions (clock jumps to it)."""
    best: Sub | None = None
    for s in conn.subs.values():
        if s.sub["type"] != "trades":
            continue
        s.fetched = max(s.fetched, s.cursor)
        hours = 0
        while not s.replay and hours < _REPLAY_HOURS:
            s.replay = feeds.trades_between(market, s.coin_id, s.fetched, s.fetched + HOUR_MS)[::-1]
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


async def pump(conn: Connection, market: Market) -> None:
    """The connection's push task: idle rule, periodic feeds, and trade replay when configured."""
    rate = conn.config.ws_stream_rate
    replaying, next_at = rate is not None, time.monotonic()
    while not conn.closed:
        if conn.idle():
            return conn.abort()
        await push_due(conn, market, replaying)
        end = time.monotonic() + TICK
        if not replaying:
            await asyncio.sleep(TICK)
            continue
        count = 0
        while not conn.closed and (now := time.monotonic()) < end:
            if rate != "burst" and next_at > now:
                await asyncio.sleep(min(next_at, end) - now)
                continue
            row = None if conn.config.faults.ws_silent else next_trade(conn, market)
            if row is None:
                next_at = end
                await asyncio.sleep(end - now)
                break
            await conn.data("trades", [row], trade=True)
            next_at = max(next_at, now - 1) + (0 if rate == "burst" else 1 / float(rate))
            count += 1
            if count % 64 == 0:
                await asyncio.sleep(0)
