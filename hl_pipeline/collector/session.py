"""The collector's connection loop: subscribe, read, land; ping, watch for silence, reconnect
with exponential backoff and jitter, reconcile books over REST, record every gap.

Each message is handled as websockets parses it (`stream.StreamConnection`): one `orjson.loads`,
validation into row tuples, de-duplication, buffering. The watchdog journals the buffers every
`flush_seconds`; the fsyncs and the Parquet conversions run on two landing threads.

Logging (logger "hl_pipeline.collector"): every event is one JSON line at DEBUG; at INFO only a
short human line for the important ones (start, lost connection, reconnect, gap, stop); failures
of a best-effort step at WARNING. A default INFO run prints a few lines, not one per event."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import orjson
import pyarrow as pa
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from hl_pipeline.collector.dedupe import TradeDeduper
from hl_pipeline.collector.gaps import GapTracker
from hl_pipeline.collector.health import Health
from hl_pipeline.collector.landing import LandingWriter
from hl_pipeline.collector.messages import book_rows, trade_row
from hl_pipeline.collector.resume import previous_ends, recent_trade_keys
from hl_pipeline.collector.shards import SlidingWindow
from hl_pipeline.collector.stream import StreamConnection
from hl_pipeline.exchange.book_payloads import L2Book, parse_l2_book
from hl_pipeline.exchange.errors import MalformedResponseError
from hl_pipeline.lake.landing_layout import with_coins
from hl_pipeline.lake.schemas import BOOK_SNAPSHOTS, COLLECTOR_GAPS, GAP_CANDLES, TRADES

log = logging.getLogger("hl_pipeline.collector")
_WS_BOOK = {"type": "l2Book", "via": "websocket"}


@dataclass
class CollectorConfig:
    api_url: str  # http(s) base; the socket is <base>/ws
    coins: list[str]
    landing: Path
    ping_seconds: float = 20.0  # the server closes a socket it has sent nothing to for 60 s
    silence_seconds: float = 30.0  # no message at all for this long: reconnect
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    flush_seconds: float = 0.15  # a crash loses about this much; p99 receive-to-durable stays under 0.5 s
    rotate_seconds: float = 60.0
    sends_per_minute: int | None = None  # this process's share of the per-IP budget of messages sent
    connects_per_minute: int | None = None  # and of new connections


class Silent(Exception):
    """The connection stayed open but nothing arrived."""


def _ms() -> int:
    return int(time.time() * 1000)


def _event(name: str, **fields: Any) -> None:
    """One machine-readable event line, at DEBUG."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug(json.dumps({"event": name, "time": _ms(), **fields}, sort_keys=True))


class Collector:
    def __init__(
        self,
        config: CollectorConfig,
        book_snapshot: Callable[[str], L2Book] | None = None,
        minute_candles: Callable[[str, int, int], pa.Table] | None = None,
    ):
        self.c = config
        self._publisher = ThreadPoolExecutor(2, thread_name_prefix="collector-landing")
        self.writers = {
            stream: LandingWriter(
                config.landing,
                stream,
                with_coins(schema, config.coins),  # the landing files say which coins were listened to
                flush_seconds=config.flush_seconds,
                rotate_seconds=config.rotate_seconds,
                publisher=self._publisher,
            )
            for stream, schema in (
                ("trades", TRADES),
                ("l2Book", BOOK_SNAPSHOTS),
                ("gaps", COLLECTOR_GAPS),
                ("gap_candles", GAP_CANDLES),
            )
        }
        self._trades = self.writers["trades"]  # the hot path's writer, one lookup fewer per message
        self.gaps = GapTracker(_ms(), previous_ends(config.landing, config.coins))
        self.dedupe = TradeDeduper()
        self.dedupe.remember(recent_trade_keys(config.landing, self.dedupe.window_ms))
        self.health = Health(config.landing / "heartbeat.json")
        self.book_snapshot = book_snapshot  # coin -> L2Book, for REST reconciliation
        self.minute_candles = minute_candles  # (coin, start_ms, end_ms) -> 1m candles, after a trades gap
        self._reconciling: set[asyncio.Task] = set()
        self._frames = 0  # frames handled: the watchdog notices silence without a clock read per frame
        self._silent = False
        self.sends = SlidingWindow(config.sends_per_minute) if config.sends_per_minute else None
        self.connects = SlidingWindow(config.connects_per_minute) if config.connects_per_minute else None

    async def run(self, stop: asyncio.Event) -> None:
        attempt = 0
        url = self.c.api_url.rstrip("/").replace("http", "ws", 1) + "/ws"
        log.info(
            "collector: streaming trades and l2Book for %s from %s into %s",
            ",".join(self.c.coins),
            url,
            self.c.landing,
        )
        try:
            while not stop.is_set():
                if not await self._within(self.connects, 1, stop):
                    break
                try:
                    async with connect(
                        url,
                        ping_interval=None,
                        max_size=None,
                        open_timeout=10,
                        close_timeout=1,
                        create_connection=StreamConnection,
                    ) as ws:
                        attempt = 0
                        await self._session(cast(StreamConnection, ws), stop)
                except (OSError, ConnectionClosed, InvalidHandshake, Silent, TimeoutError) as exc:
                    cause = "silent" if isinstance(exc, Silent) else "disconnect"
                    self.gaps.interrupted(cause, _ms())
                    self.health.connected, self.health.reconnects = False, self.health.reconnects + 1
                    delay = random.uniform(0, min(self.c.backoff_cap, self.c.backoff_base * 2**attempt))
                    attempt += 1
                    _event("disconnected", cause=cause, error=type(exc).__name__, retry_in=round(delay, 3))
                    log.info(
                        "collector: connection lost (%s, %s); reconnecting in %.1f s",
                        cause,
                        type(exc).__name__,
                        delay,
                    )
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=delay)
        finally:
            if self._reconciling:  # let a REST reconciliation in flight land before the writers close
                await asyncio.wait(self._reconciling, timeout=5)
            for writer in self.writers.values():
                writer.close()
            self._publisher.shutdown()
            self.health.connected = False
            self.health.write()
            _event("stopped", trades_dropped_as_duplicates=self.dedupe.dropped)
            counts = self.health.counts
            log.info(
                "collector: stopped after %d trades and %d l2Book messages, %d reconnects, %d gaps, "
                "%d duplicate trades dropped",
                counts["trades"],
                counts["l2Book"],
                self.health.reconnects,
                self.health.gaps,
                self.dedupe.dropped,
            )

    async def _within(self, window: SlidingWindow | None, n: int, stop: asyncio.Event) -> bool:
        """Wait until `n` more events fit `window` and count them; False if stopped while waiting."""
        if window is None:
            return True
        while (delay := window.wait_for(n)) > 0:
            _event("rate_limited", events=n, wait=round(delay, 3))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            if stop.is_set():
                return False
        window.record(n)
        return True

    async def _session(self, ws: StreamConnection, stop: asyncio.Event) -> None:
        ws.handler = self._handle
        if not await self._within(self.sends, 2 * len(self.c.coins), stop):
            return
        for coin in self.c.coins:
            for sub in ({"type": "trades", "coin": coin}, {"type": "l2Book", "coin": coin}):
                await ws.send(json.dumps({"method": "subscribe", "subscription": sub}))
                self.gaps.expect(sub["type"], coin)
        self.health.connected = True
        self._silent = False
        _event("connected", coins=self.c.coins)
        if self.health.reconnects:
            log.info("collector: reconnected (reconnect %d)", self.health.reconnects)
        tasks = [asyncio.create_task(c) for c in (self._watch(ws), stop.wait(), ws.wait_closed())]
        try:
            await self._reconcile_books()
            await asyncio.wait(tasks[1:], return_when=asyncio.FIRST_COMPLETED)  # stopped, or closed
        finally:
            ws.handler = None  # messages after a stop are not received
            for task in tasks:
                task.cancel()
            if stop.is_set():  # durable before the close handshake, which can take a second
                self._flush_all()
        if ws.failure is not None:
            raise ws.failure
        if self._silent:
            raise Silent()
        if not stop.is_set():
            raise ConnectionClosed(None, None)

    def _flush_all(self) -> None:
        for writer in self.writers.values():
            writer.flush()

    async def _watch(self, ws: StreamConnection) -> None:
        """Ping, flush on time, write the heartbeat, and drop a connection that fell silent."""
        next_ping = time.monotonic() + self.c.ping_seconds
        frames, last_rx = self._frames, time.monotonic()
        while True:
            await asyncio.sleep(min(0.25, self.c.flush_seconds))
            now = time.monotonic()
            if self._frames != frames:
                frames, last_rx = self._frames, now
            for writer in self.writers.values():
                writer.tick()
            self.health.write()
            if now - last_rx > self.c.silence_seconds:
                _event("silent", seconds=round(now - last_rx, 1))
                self._silent = True  # set before closing: the reader ends as soon as the socket does
                await ws.close()
                return
            if now >= next_ping:
                if self.sends is not None:  # planned in the shard's budget: counted, never delayed
                    self.sends.record(1)
                await ws.send('{"method":"ping"}')
                next_ping = now + self.c.ping_seconds

    def _handle(self, raw: bytes, receive: int) -> None:
        """One message, received at `receive` (ms): parsed, validated, de-duplicated, buffered."""
        self._frames += 1
        try:
            msg = orjson.loads(raw)
            channel = msg.get("channel")
            self.health.message(channel or "?", receive)
            if channel == "trades":
                self._on_trades(msg["data"], receive)
            elif channel == "l2Book":
                book = parse_l2_book(msg["data"], _WS_BOOK)
                self.health.lag_ms["l2Book"] = receive - book.time
                self._seen("l2Book", book.coin, receive)
                self.writers["l2Book"].add(book_rows(book, receive), receive)
            elif channel == "error":
                _event("server_error", message=str(msg.get("data"))[:200])
                log.warning("collector: server error: %s", str(msg.get("data"))[:200])
        except (
            ValueError,  # orjson.JSONDecodeError too
            KeyError,
            TypeError,
            IndexError,
            AttributeError,  # a frame that is not an object
            MalformedResponseError,
        ) as exc:  # one bad frame must not stop the stream
            self.health.message("malformed", receive)
            _event("malformed_message", error=f"{type(exc).__name__}: {exc}"[:200], frame=str(raw)[:200])

    def _on_trades(self, trades: list, receive: int) -> None:
        rows = self.dedupe.fresh([trade_row(t, receive) for t in trades])
        if rows:
            self.health.lag_ms["trades"] = receive - rows[-1][1]
        for coin in (rows[0][0],) if len(rows) == 1 else {r[0] for r in rows}:  # one, from the exchange
            self._seen("trades", coin, receive)
        self._trades.add(rows, receive)

    def _seen(self, channel: str, coin: str, receive: int) -> None:
        gap = self.gaps.seen(channel, coin, receive)
        if gap:
            self.health.gap(channel, gap["cause"])
            self.writers["gaps"].add([tuple(gap[f.name] for f in COLLECTOR_GAPS)], receive)
            _event("gap", **{k: gap[k] for k in ("channel", "coin", "start", "end", "cause")})
            seconds = (gap["end"] - gap["start"]) / 1000
            log.info("collector: gap in %s %s, %.1f s (%s)", channel, coin, seconds, gap["cause"])
            if channel == "trades" and self.minute_candles is not None:
                task = asyncio.get_running_loop().create_task(
                    self._reconcile_candles(self.minute_candles, coin, gap["start"], gap["end"])
                )
                self._reconciling.add(task)
                task.add_done_callback(self._reconciling.discard)

    async def _reconcile_candles(
        self, fetch: Callable[[str, int, int], pa.Table], coin: str, start: int, end: int
    ) -> None:
        """Land the exchange's 1m candles of the minutes a trades gap touched: how many trades it missed."""
        try:
            table = await asyncio.to_thread(fetch, coin, start - start % 60_000, end)
        except Exception as exc:  # noqa: BLE001 - best effort around an injected fetch; the gap record stands
            _event("reconcile_candles_failed", coin=coin, error=str(exc)[:200])
            log.warning("collector: gap candles for %s not fetched: %s", coin, str(exc)[:200])
            return
        receive = _ms()
        rows = [
            (coin, t, n, v, lo, hi, receive)
            for t, n, v, lo, hi in zip(
                *(
                    table[c].cast("int64").to_pylist() if c == "time" else table[c].to_pylist()
                    for c in ("time", "trades", "volume", "low", "high")
                )
            )
        ]
        self.writers["gap_candles"].add(rows, receive)
        _event("gap_candles", coin=coin, minutes=len(rows), trades=sum(r[2] for r in rows))

    async def _reconcile_books(self) -> None:
        """After (re)connecting, take each book from REST at once rather than wait for the stream."""
        if self.book_snapshot is None:
            return
        for coin in self.c.coins:
            try:
                book = await asyncio.to_thread(self.book_snapshot, coin)
            except Exception as exc:  # noqa: BLE001 - best effort around an injected fetch; the stream follows
                _event("reconcile_failed", coin=coin, error=str(exc)[:200])
                log.warning("collector: REST book for %s not fetched: %s", coin, str(exc)[:200])
                continue
            receive = _ms()
            self.writers["l2Book"].add(book_rows(book, receive), receive)
