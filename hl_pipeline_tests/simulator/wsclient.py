"""A small asyncio WebSocket client for the simulator tests (websockets library)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import websockets


def ws_url(handle) -> str:
    """ws://host:port/ws of a running simulator."""
    return handle.base_url.replace("http", "ws", 1) + "/ws"


async def subscribe(ws, sub: dict, method: str = "subscribe") -> None:
    """Send a subscribe (or unsubscribe) request."""
    await ws.send(json.dumps({"method": method, "subscription": sub}))


DEADLINE = 30.0  # seconds a test waits for something that should happen (a bound, not a pace)


async def recv(ws, timeout: float = DEADLINE):
    """The next frame, decoded."""
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def collect(ws, seconds: float, channel: str | None = None) -> list:
    """All frames (of one channel) received within `seconds`."""
    out, end = [], time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            msg = await recv(ws, left)
        except TimeoutError:
            break
        if channel is None or msg.get("channel") == channel:
            out.append(msg)
    return out


async def collect_until(
    ws, done: Callable[[list], bool], channel: str | None = None, timeout: float = DEADLINE
) -> list:
    """Frames (of one channel) until `done(frames)` holds; fails after `timeout` seconds without it."""
    out: list = []
    end = time.monotonic() + timeout
    while not done(out):
        left = end - time.monotonic()
        assert left > 0, f"not within {timeout:g} s; {len(out)} frames: {out[-3:]}"
        try:
            msg = await recv(ws, left)
        except TimeoutError:
            continue
        if channel is None or msg.get("channel") == channel:
            out.append(msg)
    return out


async def closed_within(ws, seconds: float) -> int | None:
    """Close code if the server closes the socket within `seconds`, else None."""
    try:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            await asyncio.wait_for(ws.recv(), left)
    except websockets.ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else 1006
    except TimeoutError:
        return None
    return None


def run(coro):
    """Run a coroutine to completion (tests are synchronous)."""
    return asyncio.run(coro)
