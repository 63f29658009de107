"""Consumers of the simulator's burst stream, each in its own process (single-threaded but the SDK's):
`python -m bench.collector_clients {collector|bare|sdk} URL SECONDS COINS [LANDING]` prints one JSON line.

A client's wall time excludes its WebSocket close handshake: during a burst the simulator can leave a
close unanswered until the client's close timeout (seen: the bare client's full 10 s default, the
collector's 1 s), which says nothing about the client. The collector's time includes everything else
it does on stop (flush, fsync, Parquet); the handshake's own time is reported beside it."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pyarrow.parquet as pq

from bench.common import peak_rss_mb


def _subscriptions(coins: list[str]) -> list[dict]:
    return [{"type": kind, "coin": c} for c in coins for kind in ("trades", "l2Book")]


def _usage(messages: int, seconds: float, **extra) -> dict:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "messages": messages,
        "seconds": round(seconds, 3),
        "per_second": round(messages / seconds),
        "cpu_seconds": round(ru.ru_utime + ru.ru_stime, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        **extra,
    }


def _timing_closes() -> list[float]:
    """Seconds spent in every `ClientConnection.close` of this process from now on."""
    from websockets.asyncio.client import ClientConnection

    spent: list[float] = []
    close = ClientConnection.close

    async def timed(self: ClientConnection, *args, **kwargs) -> None:
        start = time.monotonic()
        try:
            await close(self, *args, **kwargs)
        finally:
            spent.append(time.monotonic() - start)

    ClientConnection.close = timed  # type: ignore[method-assign, assignment]
    return spent


def collector(url: str, seconds: float, coins: list[str], landing: Path) -> dict:
    """The collector itself: parse, de-duplicate, journal with fsync, rotate to Parquet."""
    from hl_pipeline.collector.session import Collector, CollectorConfig

    c = Collector(CollectorConfig(api_url=url, coins=coins, landing=landing))
    closing = _timing_closes()

    async def main() -> float:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(seconds, stop.set)
        start = time.monotonic()
        await c.run(stop)
        return time.monotonic() - start

    elapsed = asyncio.run(main()) - sum(closing)
    written = [p for w in (c.writers["trades"], c.writers["l2Book"]) for p in w.files_written]
    latency = c.writers["trades"].latency.merge(c.writers["l2Book"].latency)
    return _usage(
        c.health.counts["trades"] + c.health.counts["l2Book"],
        elapsed,
        landed_messages=latency.messages,
        rows_landed=sum(pq.read_metadata(p).num_rows for p in written),
        p50_ms=latency.quantile(0.5),
        p99_ms=latency.quantile(0.99),
        close_handshake_seconds=round(sum(closing), 3),
    )


def bare(url: str, seconds: float, coins: list[str]) -> dict:
    """A bare asyncio `websockets` client that only decodes JSON (orjson)."""
    from websockets.asyncio.client import connect

    async def main() -> tuple[int, float]:
        async with connect(url.replace("http", "ws", 1) + "/ws", max_size=None, close_timeout=1) as ws:
            for sub in _subscriptions(coins):
                await ws.send(json.dumps({"method": "subscribe", "subscription": sub}))
            n, start = 0, time.monotonic()
            while time.monotonic() - start < seconds:
                msg = orjson.loads(await ws.recv())
                n += msg["channel"] in ("trades", "l2Book")
            return n, time.monotonic() - start

    return _usage(*asyncio.run(main()))


def sdk(url: str, seconds: float, coins: list[str]) -> dict:
    """hyperliquid-python-sdk's WebsocketManager, counting messages in its callbacks."""
    from hyperliquid.websocket_manager import WebsocketManager

    count = [0]
    lock = threading.Lock()

    def callback(_msg) -> None:
        with lock:
            count[0] += 1

    manager = WebsocketManager(url)
    manager.start()
    for sub in _subscriptions(coins):
        manager.subscribe(sub, callback)
    start = time.monotonic()
    time.sleep(seconds)
    n, elapsed = count[0], time.monotonic() - start
    manager.stop()
    return _usage(n, elapsed)


if __name__ == "__main__":
    kind, url, secs, coin_text = sys.argv[1:5]
    args = (url, float(secs), coin_text.split(","), *(Path(a) for a in sys.argv[5:]))
    runners: dict[str, Callable[..., dict]] = {"collector": collector, "bare": bare, "sdk": sdk}
    print(json.dumps(runners[kind](*args)), flush=True)
