"""The per-IP weight budget: a token bucket of 1200 refilling 20 per second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class WeightBudget:
    """Token buckets keyed by client IP; a request is refused when its base weight is not there."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.capacity, self.rate = float(per_minute), per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, ip: str) -> float:
        level, at = self._buckets.get(ip, (self.capacity, self._clock()))
        now = self._clock()
        return min(self.capacity, level + (now - at) * self.rate)

    def admit(self, ip: str, weight: int) -> bool:
        """Charge `weight` if the bucket holds it; False (nothing charged) otherwise."""
        with self._lock:
            level = self._level(ip)
            if level < weight:
                self._buckets[ip] = (level, self._clock())
                return False
            self._buckets[ip] = (level - weight, self._clock())
            return True

    def charge(self, ip: str, weight: int) -> None:
        """Charge extra weight after serving; the bucket may go negative."""
        with self._lock:
            self._buckets[ip] = (self._level(ip) - weight, self._clock())
