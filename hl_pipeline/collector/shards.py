"""Collector shards: N processes on one host, each streaming its own slice of the coins into its own
landing folder, together inside Hyperliquid's per-IP WebSocket limits, which are checked before any
shard connects (every shard sees the same coin list and N, so each can check the whole host)."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hl_pipeline.errors import ConfigError

# Hyperliquid's WebSocket limits per IP (reference/hyperliquid-api.md, 2.8)
MAX_CONNECTIONS = 10
MAX_NEW_CONNECTIONS_PER_MINUTE = 30
MAX_SUBSCRIPTIONS = 1000
MAX_MESSAGES_SENT_PER_MINUTE = 2000
STREAMS_PER_COIN = 2  # trades and l2Book


@dataclass(frozen=True)
class Shard:
    """Shard `index` (from 0) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str, name: str = "--shard") -> Shard:
    """ "i/N" with 0 <= i < N, e.g. "0/2"; ConfigError names the option and the value."""
    parts = text.split("/")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ConfigError(f"bad {name} {text!r}: INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/2")
    index, count = int(parts[0]), int(parts[1])
    if not 0 <= index < count:
        raise ConfigError(f"bad {name} {text!r}: INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/2")
    return Shard(index, count)


def assign(coins: Sequence[str], count: int) -> list[list[str]]:
    """Every shard's coins: the distinct coins sorted by name, dealt round-robin (sizes differ by at
    most one; the same list and count give the same slices in every process)."""
    ordered = sorted(set(coins))
    return [ordered[i::count] for i in range(count)]


def minute_sends(coins: int, ping_seconds: float) -> int:
    """Messages one collector sends in its busiest minute: one subscribe per stream on (re)connecting,
    and its pings."""
    return coins * STREAMS_PER_COIN + math.ceil(60 / ping_seconds)


def check_limits(coins: Sequence[str], count: int, ping_seconds: float) -> list[list[str]]:
    """The shards' coins, after checking that `count` collectors with `coins` between them stay inside
    the per-IP limits; ConfigError names the numbers otherwise."""
    slices = assign(coins, count)
    total = sum(map(len, slices))
    if count > MAX_CONNECTIONS:
        raise ConfigError(
            f"{count} collector shards need {count} WebSocket connections; Hyperliquid allows "
            f"{MAX_CONNECTIONS} per IP"
        )
    if empty := [i for i, s in enumerate(slices) if not s]:
        raise ConfigError(f"{count} shards for {total} coins: shard {empty[0]}/{count} would have no coin")
    if total * STREAMS_PER_COIN > MAX_SUBSCRIPTIONS:
        raise ConfigError(
            f"{total} coins x {STREAMS_PER_COIN} streams (trades, l2Book) = {total * STREAMS_PER_COIN} "
            f"subscriptions; Hyperliquid allows {MAX_SUBSCRIPTIONS} per IP"
        )
    share = MAX_MESSAGES_SENT_PER_MINUTE // count
    need = minute_sends(max(map(len, slices)), ping_seconds)
    if need > share:
        raise ConfigError(
            f"a shard of {max(map(len, slices))} coins sends {need} messages in a minute when it connects "
            f"(subscribes and pings); {count} shards may send {share} each: Hyperliquid allows "
            f"{MAX_MESSAGES_SENT_PER_MINUTE} messages a minute per IP"
        )
    return slices


class SlidingWindow:
    """At most `limit` events in any `seconds`-long window; `wait_for(n)` says how long to wait before
    n more may happen (0: now), `record(n)` counts them."""

    def __init__(self, limit: int, seconds: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit, self.seconds = limit, seconds
        self._clock = clock
        self._times: deque[float] = deque()

    def wait_for(self, n: int = 1) -> float:
        now = self._clock()
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()
        excess = len(self._times) + n - self.limit
        if excess <= 0:
            return 0.0
        if n > self.limit:
            raise ValueError(f"{n} events can never fit a limit of {self.limit} per {self.seconds:g} s")
        return self._times[excess - 1] + self.seconds - now

    def record(self, n: int = 1) -> None:
        now = self._clock()
        self._times.extend([now] * n)
