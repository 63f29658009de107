"""Receive-to-durable latency of landed messages: a 1 ms histogram, one numpy call per flush."""

from __future__ import annotations

import threading

import numpy as np

_MAX_MS = 60_000  # longer latencies count in the last bucket


class Latency:
    def __init__(self) -> None:
        self.counts = np.zeros(_MAX_MS + 1, dtype=np.int64)
        self._lock = threading.Lock()  # fsyncs of one writer may complete on two threads

    def record(self, durable_ms: int, received_ms: list[int]) -> None:
        """Messages received at `received_ms` became durable at `durable_ms`."""
        if received_ms:
            lat = np.clip(durable_ms - np.asarray(received_ms, dtype=np.int64), 0, _MAX_MS)
            with self._lock:
                self.counts += np.bincount(lat, minlength=_MAX_MS + 1)

    @property
    def messages(self) -> int:
        return int(self.counts.sum())

    def quantile(self, q: float) -> int | None:
        """The latency (ms) below which a fraction q of messages became durable."""
        total = self.messages
        if not total:
            return None
        return int(np.searchsorted(np.cumsum(self.counts), q * total))

    def merge(self, other: Latency) -> Latency:
        out = Latency()
        out.counts = self.counts + other.counts
        return out
