"""Dropping trades seen before: the replay batch after (re)subscribing or restarting, duplicated messages.

A trade's identity is (coin, time, tid), as the exchange documents. Keys are kept for
`window_ms` of exchange time behind the newest trade seen, which bounds memory."""

from __future__ import annotations

from collections import deque

from hl_pipeline.collector.messages import trade_key


class TradeDeduper:
    def __init__(self, window_ms: int = 10 * 60_000):
        self.window_ms = window_ms
        self._seen: set[tuple[str, int, int]] = set()
        self._order: deque[tuple[int, tuple[str, int, int]]] = deque()
        self._newest = 0
        self.dropped = 0

    def __contains__(self, key: object) -> bool:
        """Whether a (coin, time, tid) key was seen (and is still inside the window)."""
        return key in self._seen

    def remember(self, keys: list[tuple[str, int, int]]) -> None:
        """Mark keys as seen (the trades a previous collector landed)."""
        for key in keys:
            self._add(key)
        self._forget()

    def fresh(self, rows: list[tuple]) -> list[tuple]:
        """The TRADES rows not seen before, in their order; remembers them."""
        out = []
        for row in rows:
            if self._add(trade_key(row)):
                out.append(row)
            else:
                self.dropped += 1
        self._forget()
        return out

    def _add(self, key: tuple[str, int, int]) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        self._order.append((key[1], key))
        if key[1] > self._newest:
            self._newest = key[1]
        return True

    def _forget(self) -> None:
        horizon = self._newest - self.window_ms
        while self._order and self._order[0][0] < horizon:
            self._seen.discard(self._order.popleft()[1])
