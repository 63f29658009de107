"""The `/ws` WebSocket feed: subscribe/unsubscribe, ping, idle close, streaming in simulated time.

Cadence is wall-clock (SimulatorConfig.ws_*_ms); data comes from the model at the connection's
simulated clock (see wsclock.py), so it equals REST answers for the same (seed, coin, time).
`ws_stream_rate` replays the trade tape one trade per message at N msgs/s or as fast as
possible ("burst"), pushing the connection clock ahead of wall time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from aiohttp import WSMsgType, web

from hl_pipeline.simulator import wsfeeds as feeds
from hl_pipeline.simulator import wsuser
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.wsconn import Connection, Sub
from hl_pipeline.simulator.wsreplay import pump
from hl_pipeline.simulator.wssubs import BadSubscription, CloseSocket, key, normalise, parse_error

_SOCKETS = web.AppKey("ws_sockets", set[web.WebSocketResponse])


async def _subscribe(conn: Connection, market: Market, coins: dict, sub: Any, method: str) -> None:
    norm = normalise(sub, coins)
    k = key(norm)
    ack = {"channel": "subscriptionResponse", "data": {"method": method, "subscription": norm}}
    if method == "unsubscribe":
        if conn.subs.pop(k, None) is None:
            return await conn.control({"channel": "error", "data": f"Already unsubscribed: {k}"})
        return await conn.control(ack)
    if k in conn.subs:
        return await conn.control({"channel": "error", "data": f"Already subscribed: {k}"})
    now = conn.clock.now()
    s = Sub(norm, coins.get(norm.get("coin")), cursor=now)
    conn.subs[k] = s
    await conn.control(ack)
    if norm["type"] == "trades":
        s.due = time.monotonic() + conn.config.ws_trade_ms / 1000
        batch = feeds.recent_batch(market, s.coin, now, conn.config.ws_recent_trades)
        if batch:
            await conn.data("trades", batch, trade=True)
    elif norm["type"] == "userFills":
        s.due = time.monotonic() + conn.config.ws_fills_ms / 1000
        first = feeds.fills_snapshot(market, norm["user"], now)
        await conn.data("userFills", {**first, "fills": wsuser.fills(market, norm, first["fills"])})
    elif (opening := wsuser.snapshot(market, norm, now)) is not None:
        s.due = time.monotonic() + conn.config.ws_fills_ms / 1000
        await conn.data(*opening)
    elif norm["type"] in ("userEvents", "orderUpdates"):
        s.due = time.monotonic() + conn.config.ws_fills_ms / 1000


async def _on_text(conn: Connection, market: Market, coins: dict, raw: str) -> None:
    try:
        msg = json.loads(raw)
        method = msg.get("method") if isinstance(msg, dict) else None
        if method == "ping":
            return await conn.control({"channel": "pong"})
        if method not in ("subscribe", "unsubscribe"):
            raise BadSubscription("unknown method")
        await _subscribe(conn, market, coins, msg.get("subscription"), method)
    except (ValueError, BadSubscription):
        await conn.control({"channel": "error", "data": parse_error(raw)})
    except CloseSocket:
        conn.abort()


def install(app: web.Application, config: SimulatorConfig, market: Market) -> None:
    """Register GET /ws on the app and close open sockets on shutdown."""
    coins = {c.name: i for i, c in enumerate(market.specs)}
    counter = itertools.count()
    app[_SOCKETS] = set()

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = Connection(ws, request, config, config.seed * 1_000_003 + next(counter))
        app[_SOCKETS].add(ws)
        if config.ws_greeting:
            await conn.control_text("Websocket connection established.")
        task = asyncio.create_task(pump(conn, market))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await _on_text(conn, market, coins, msg.data)
                if conn.closed:
                    break
        finally:
            conn.closed = True
            task.cancel()
            app[_SOCKETS].discard(ws)
        return ws

    async def shutdown(app: web.Application) -> None:
        sockets = app[_SOCKETS]
        for ws in list(sockets):
            await ws.close(code=1001, message=b"server shutdown")

    app.router.add_get("/ws", handler)
    app.on_shutdown.append(shutdown)
