"""Dropping trades seen before: the replay batch after (re)subscribing, duplicated messages.

A trade's identity is (coin, time, tid), as the exchange documents. Keys are kept for
`window_ms` of exchange time behind the newest trade seen, which bounds memory."""

from __future__ import annotations

from collections import deque


class TradeDeduper:
    def __init__(self, window_ms: int = 10 * 60_000):
        self.window_ms = window_ms
        self._seen: set[tuple[str, int, int]] = set()
        self._order: deque[tuple[int, tuple[str, int, int]]] = deque()
        self._newest = 0
        self.dropped = 0

    def fresh(self, trades: list[dict]) -> list[dict]:
        """The trades not seen before, in their order; remembers them."""
        out = []
        for t in trades:
            key = (t["coin"], int(t["time"]), int(t["tid"]))
            if key in self._seen:
                self.dropped += 1
                continue
            self._seen.add(key)
            self._order.append((key[1], key))
            self._newest = max(self._newest, key[1])
            out.append(t)
        self._forget()
        return out

    def _forget(self) -> None:
        horizon = self._newest - self.window_ms
        while self._order and self._order[0][0] < horizon:
            self._seen.discard(self._order.popleft()[1])
