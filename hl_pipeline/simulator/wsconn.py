"""One WebSocket connection: its clock, subscriptions, and a sender applying the WS faults."""

from __future__ import annotations

import dataclasses
import json
import random
import time

from aiohttp import web

from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.wsclock import WsClock


@dataclasses.dataclass
class Sub:
    """A live subscription: normalised form, coin index, next wall due time, sim-time cursor."""

    sub: dict
    coin_id: int | None
    due: float = 0.0
    cursor: int = 0
    replay: list = dataclasses.field(default_factory=list)  # trades fetched ahead (replay modes)
    fetched: int = 0


def _dumps(payload) -> str:
    return json.dumps(payload, separators=(",", ":"))


class Connection:
    """Sends frames; drop/silent/duplicate/reorder faults are read live from config.faults."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, config: SimulatorConfig, seed: int):
        self.ws, self.request, self.config = ws, request, config
        self.clock = WsClock(config.now(), config.ws_speed)
        self.subs: dict[str, Sub] = {}
        self.rng = random.Random(seed)
        self.last_sent = time.monotonic()
        self.held: str | None = None  # a trades message held back by ws_reorder
        self.closed = False
        self.sent = 0  # data messages written (duplicates count)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (the client sees 1006)."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.close()

    def idle(self) -> bool:
        """True when nothing was sent for ws_idle_timeout seconds (never while silent)."""
        return not self.config.faults.ws_silent and time.monotonic() - self.last_sent > self.config.ws_idle_timeout

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

    async def control(self, payload) -> None:
        """Acks, pongs and error frames: only the silent fault applies."""
        if not self.config.faults.ws_silent:
            await self._write(_dumps(payload))

    async def data(self, channel: str, payload, trade: bool = False) -> None:
        """A data message `{"channel", "data"}` with every fault applied."""
        f = self.config.faults
        if f.ws_silent or self.closed:
            return
        if f.ws_drop > 0 and self.rng.random() < f.ws_drop:
            self.abort()
            return
        text = _dumps({"channel": channel, "data": payload})
        if trade and self.held is None and f.ws_reorder > 0 and self.rng.random() < f.ws_reorder:
            self.held = text
            return
        copies = 2 if f.ws_duplicate > 0 and self.rng.random() < f.ws_duplicate else 1
        for _ in range(copies):
            await self._write(text)
            self.sent += 1
        if trade and self.held is not None:
            held, self.held = self.held, None
            await self._write(held)
            self.sent += 1
