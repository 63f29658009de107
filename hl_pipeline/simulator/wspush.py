"""What a connection pushes periodically, at its simulated time."""

from __future__ import annotations

import time

from hl_pipeline.simulator import wsfeeds as feeds
from hl_pipeline.simulator import wsuser
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.wsconn import Connection, Sub


def period_ms(conn: Connection, sub: dict) -> int:
    """Wall-clock push (or check) period of a subscription (l2Book without fast: see push_due)."""
    c = conn.config
    return {
        "trades": c.ws_trade_ms,
        "candle": c.ws_candle_ms,
        "allMids": c.ws_mids_ms,
        "activeAssetCtx": c.ws_ctx_ms,
        "bbo": c.ws_bbo_ms,
        "webData2": c.ws_user_state_ms,
        "activeAssetData": c.ws_user_state_ms,
        "l2Book": c.ws_fast_book_ms,
    }.get(sub["type"], c.ws_fills_ms)


async def _push_user(conn: Connection, market: Market, s: Sub, t: int) -> None:
    kind, user = s.sub["type"], s.sub.get("user", "")
    after, s.cursor = s.cursor, max(s.cursor, t)
    if kind == "userFills":
        rows = wsuser.fills(market, s.sub, feeds.fills_between(market, user, after, t))
        if rows:
            await conn.data("userFills", {"user": user, "fills": rows})
    elif kind == "userEvents":
        new = feeds.fills_between(market, user, after, t)
        for event in wsuser.user_events(market, user, new, after, t):
            await conn.data("user", event)
    elif kind == "orderUpdates":
        events = wsuser.order_updates(market, user, after, t)
        if events:
            await conn.data("orderUpdates", events)
    elif kind == "userFundings":
        rows = wsuser.fundings(market, user, after, t)
        if rows:
            await conn.data(kind, {"user": user, "fundings": rows})
    elif kind == "userNonFundingLedgerUpdates":
        rows = wsuser.ledger_rows(market, user, after, t)
        if rows:
            await conn.data(kind, {"user": user, "nonFundingLedgerUpdates": rows})


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
        await conn.data(*feeds.ctx(market, s.coin, t))
    elif kind == "bbo":
        data = wsuser.bbo(market, s.coin, t)
        if data["bbo"] != s.last:
            s.last = data["bbo"]
            await conn.data("bbo", data)
    elif kind == "webData2":
        await conn.data("webData2", wsuser.web_data(market, s.sub["user"], t))
    elif kind == "activeAssetData":
        await conn.data("activeAssetData", wsuser.asset_data(market, s.sub, t))
    elif kind != "notification":
        await _push_user(conn, market, s, t)


async def push_due(conn: Connection, market: Market, replaying: bool) -> None:
    """Push every subscription whose period has elapsed (trades too unless replaying). Books without
    `fast` share the connection's book clock (one `time` for all coins); a new one is pushed at once."""
    wall, t = time.monotonic(), conn.clock.now()
    books_due = wall >= conn.book_due
    for s in list(conn.subs.values()):
        if conn.closed:
            return
        if s.sub["type"] == "l2Book" and not s.sub["fast"]:
            if books_due or s.due == 0.0:
                s.due = wall
                await push(conn, market, s, t)
        elif wall >= s.due and not (replaying and s.sub["type"] == "trades"):
            s.due = wall + period_ms(conn, s.sub) / 1000
            await push(conn, market, s, t)
    if books_due:
        conn.book_due = wall + conn.book_gap()
