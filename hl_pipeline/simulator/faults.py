"""Fault injection: which fault, if any, hits the next request (seeded, so reproducible)."""

from __future__ import annotations

import random
import threading

from hl_pipeline.simulator.config import FaultConfig


class FaultInjector:
    """Draws faults per request from the live `FaultConfig` with a seeded RNG."""

    def __init__(self, seed: int):
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self, faults: FaultConfig) -> tuple[str | None, int]:
        """(fault name or None, HTTP status for server errors)."""
        with self._lock:
            if faults.rate_limit_burst > 0:
                faults.rate_limit_burst -= 1
                return "rate_limit_burst", 429
            for name in ("server_error", "malformed", "truncated", "slow"):
                p = getattr(faults, name)
                if p > 0 and self._rng.random() < p:
                    return name, self._rng.choice((500, 502, 503)) if name == "server_error" else 200
            return None, 200
