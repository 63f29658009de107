"""One WebSocket connection: its clock, subscriptions, and a sender applying the WS faults."""

from __future__ import annotations

import dataclasses
import json
import random
import time
from typing import Any

from aiohttp import web

from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.wsclock import WsClock
from hl_pipeline.simulator.wsframes import text_frames


@dataclasses.dataclass
class Sub:
    """A live subscription: normalised form, coin index, next wall due time, sim-time cursor."""

    sub: dict
    coin_id: int | None
    due: float = 0.0
    cursor: int = 0
    replay: list = dataclasses.field(default_factory=list)  # trades fetched ahead (replay modes)
    fetched: int = 0
    last: Any = None  # the last payload sent, for feeds pushed only on change (bbo)

    @property
    def coin(self) -> int:
        """The coin index of a per-coin subscription (trades, l2Book, candle, activeAssetCtx)."""
        if self.coin_id is None:
            raise ValueError(f"a {self.sub['type']} subscription has no coin")
        return self.coin_id


def dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"))


class Connection:
    """Sends frames; drop/silent/duplicate/reorder faults are read live from config.faults."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, config: SimulatorConfig, seed: int):
        self.ws, self.request, self.config = ws, request, config
        self.clock = WsClock(config.now(), config.ws_speed)
        self.subs: dict[str, Sub] = {}
        self.rng = random.Random(seed)
        self.cadence = random.Random(seed ^ 0x5EED)  # l2Book push gaps, apart from the fault draws
        self.book_due = 0.0  # wall time of the connection's next l2Book push (all coins together)
        self.last_sent = time.monotonic()
        self.held: str | None = None  # a trades message held back by ws_reorder
        self.closed = False
        self.sent = 0  # data messages written (duplicates count)

    def book_gap(self) -> float:
        """Seconds to the next l2Book push: ws_book_ms plus an exponential jitter."""
        base = self.config.ws_book_ms / 1000
        jitter = self.config.ws_book_jitter * base
        return base + (self.cadence.expovariate(1 / jitter) if jitter > 0 else 0.0)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (the client sees 1006)."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.close()

    def idle(self) -> bool:
        """True when nothing was sent for ws_idle_timeout seconds (never while silent)."""
        return (
            not self.config.faults.ws_silent
            and time.monotonic() - self.last_sent > self.config.ws_idle_timeout
        )

    async def _write(self, text: str) -> None:
        if self.closed or self.ws.closed:
            self.closed = True
            return
        try:
            await self.ws.send_str(text)
        except (ConnectionError, RuntimeError):
            self.closed = True
            return
        self.last_sent = time.monotonic()

    async def control(self, payload: Any) -> None:
        """Acks, pongs and error frames: only the silent fault applies."""
        await self.control_text(dumps(payload))

    async def control_text(self, text: str) -> None:
        """A control frame already encoded (or plain text, like the legacy greeting)."""
        if not self.config.faults.ws_silent:
            await self._write(text)

    def plan(self, text: str, trade: bool) -> list[str] | None:
        """The frames one data message becomes under the faults ([] if silent or held back);
        None means drop the connection instead."""
        f = self.config.faults
        if f.ws_silent or self.closed:
            return []
        if f.ws_drop > 0 and self.rng.random() < f.ws_drop:
            return None
        if trade and self.held is None and f.ws_reorder > 0 and self.rng.random() < f.ws_reorder:
            self.held = text
            return []
        out = [text, text] if f.ws_duplicate > 0 and self.rng.random() < f.ws_duplicate else [text]
        if trade and self.held is not None:
            out.append(self.held)
            self.held = None
        return out

    async def data(self, channel: str, payload: Any, trade: bool = False) -> None:
        """A data message `{"channel", "data"}` with every fault applied."""
        out = self.plan(dumps({"channel": channel, "data": payload}), trade)
        if out is None:
            return self.abort()
        for text in out:
            await self._write(text)
            self.sent += 1

    def burst(self, texts: list[str]) -> None:
        """Many trades messages, faults applied, written as raw frames with one transport write."""
        out: list[str] = []
        planned: list[str] | None = []
        for text in texts:
            planned = self.plan(text, trade=True)
            if planned is None:
                break
            out += planned
        transport = self.request.transport
        if self.closed or self.ws.closed or transport is None or transport.is_closing():
            self.closed = True
            return
        transport.write(text_frames(out))
        self.sent += len(out)
        self.last_sent = time.monotonic()
        if planned is None:
            self.abort()

    def backlog(self) -> int:
        """Bytes written but not yet taken by the socket."""
        transport = self.request.transport
        return transport.get_write_buffer_size() if transport is not None else 0
