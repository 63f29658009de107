"""What a connection pushes periodically, at its simulated time."""

from __future__ import annotations

import time

from hl_pipeline.simulator import wsfeeds as feeds
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.wsconn import Connection, Sub


def period_ms(conn: Connection, sub: dict) -> int:
    """Wall-clock push period of a subscription."""
    c = conn.config
    return {
        "trades": c.ws_trade_ms,
        "candle": c.ws_candle_ms,
        "allMids": c.ws_mids_ms,
        "activeAssetCtx": c.ws_ctx_ms,
        "userFills": c.ws_fills_ms,
        "l2Book": c.ws_fast_book_ms if sub.get("fast") else c.ws_book_ms,
    }[sub["type"]]


async def push(conn: Connection, market: Market, s: Sub, t: int) -> None:
    """One periodic push of a subscription at simulated time t."""
    kind = s.sub["type"]
    if kind == "trades":
        rows = feeds.trades_between(market, s.coin, s.cursor, t)
        s.cursor = max(s.cursor, t)
        if rows:
            await conn.data("trades", rows, trade=True)
    elif kind == "l2Book":
        await conn.data("l2Book", feeds.book(market, s.sub, s.coin, t))
    elif kind == "candle":
        row = feeds.candle(market, s.coin, s.sub["interval"], t)
        if row is not None:
            await conn.data("candle", row)
    elif kind == "allMids":
        await conn.data("allMids", feeds.mids(market, t))
    elif kind == "activeAssetCtx":
        await conn.data("activeAssetCtx", feeds.ctx(market, s.coin, t))
    elif kind == "userFills":
        fills = feeds.fills_between(market, s.sub["user"], s.cursor, t)
        s.cursor = max(s.cursor, t)
        if fills:
            await conn.data("userFills", {"user": s.sub["user"], "fills": fills})


async def push_due(conn: Connection, market: Market, replaying: bool) -> None:
    """Push every subscription whose period has elapsed (trades too unless replaying)."""
    wall, t = time.monotonic(), conn.clock.now()
    for s in list(conn.subs.values()):
        if conn.closed:
            return
        if wall >= s.due and not (replaying and s.sub["type"] == "trades"):
            s.due = wall + period_ms(conn, s.sub) / 1000
            await push(conn, market, s, t)
