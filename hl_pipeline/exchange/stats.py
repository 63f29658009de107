"""Counters a client keeps so the pipeline can report what a run cost."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ClientStats:
    requests: int = 0  # HTTP requests sent, retries included
    retries: int = 0
    weight: int = 0  # weight the server charged, by the documented rules
    rate_limited: int = 0  # 429 responses seen
    limiter_wait_s: float = 0.0
    by_type: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(
        self, request_type: str, weight: int, *, retry: bool, rate_limited: bool = False, waited: float = 0.0
    ) -> None:
        with self._lock:
            self.requests += 1
            self.retries += retry
            self.weight += weight
            self.rate_limited += rate_limited
            self.limiter_wait_s += waited
            self.by_type[request_type] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "requests": self.requests,
                "retries": self.retries,
                "weight": self.weight,
                "rate_limited": self.rate_limited,
                "limiter_wait_s": round(self.limiter_wait_s, 3),
                "by_type": dict(self.by_type),
            }
