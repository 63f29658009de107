"""Client-side weight budget: one token bucket per process per host, shaped like the server's.

The server allows 1200 weight per minute per IP (a bucket of 1200 refilled at 20/s). The client
keeps a bucket a safety margin smaller and slower. A request reserves its base weight plus the
weight of the items it expects before it is sent, and settles the difference when the response
says how many items came back. After a 429 the bucket is emptied, so the client waits until
the server's bucket has had time to refill.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlparse

from hl_pipeline.exchange.weights import BUDGET_PER_MINUTE

DEFAULT_MARGIN = 0.9


class WeightLimiter:
    """Thread-safe token bucket in request-weight units."""

    def __init__(
        self,
        capacity: float = BUDGET_PER_MINUTE,
        refill_per_s: float = BUDGET_PER_MINUTE / 60,
        margin: float = DEFAULT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not 0 < margin <= 1:
            raise ValueError(f"bad limiter margin {margin}: expected 0 < margin <= 1")
        self.capacity = capacity * margin
        self.rate = refill_per_s * margin
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._tokens = self.capacity
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    @property
    def available(self) -> float:
        with self._lock:
            self._refill()
            return self._tokens

    def reserve(self, weight: float) -> float:
        """Block until `weight` fits in the budget, then take it; returns the seconds waited."""
        waited = 0.0
        need = min(weight, self.capacity)  # a request heavier than the bucket waits for a full one
        while True:
            with self._lock:
                self._refill()
                if self._tokens >= need - 1e-9:  # float slack: a refill can land a hair short
                    self._tokens -= weight
                    return waited
                delay = (need - self._tokens) / self.rate
            self._sleep(delay)
            waited += delay

    def settle(self, reserved: float, actual: float) -> None:
        """Correct a reservation once the real weight is known (refund or extra charge)."""
        with self._lock:
            self._tokens = min(self.capacity, self._tokens + reserved - actual)

    def penalize(self) -> None:
        """The server said 429: assume its bucket is empty."""
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, 0.0)


class NoLimiter:
    """Stands in when limiting is off (a simulator with its budget lifted)."""

    capacity = rate = available = float("inf")

    def reserve(self, weight: float) -> float:
        return 0.0

    def settle(self, reserved: float, actual: float) -> None:
        pass

    def penalize(self) -> None:
        pass


_REGISTRY: dict[str, WeightLimiter] = {}
_REGISTRY_LOCK = threading.Lock()


def limiter_for(base_url: str) -> WeightLimiter:
    """The process-wide limiter of the host serving `base_url` (created on first use)."""
    parsed = urlparse(base_url)
    host = f"{parsed.hostname}:{parsed.port or (443 if parsed.scheme == 'https' else 80)}"
    with _REGISTRY_LOCK:
        if host not in _REGISTRY:
            _REGISTRY[host] = WeightLimiter()
        return _REGISTRY[host]
