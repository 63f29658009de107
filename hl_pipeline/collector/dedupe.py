"""Dropping trades seen before: the replay batch after (re)subscribing or restarting, duplicated messages.

A trade's identity is (coin, time, tid), as the exchange documents. Keys are kept for
`window_ms` of exchange time behind the newest trade seen, which bounds memory."""

from __future__ import annotations

from collections import deque

Key = tuple[str, int, int]


class TradeDeduper:
    def __init__(self, window_ms: int = 10 * 60_000):
        self.window_ms = window_ms
        self._seen: set[Key] = set()
        self._order: deque[Key] = deque()  # in the order seen; forgotten from the left
        self._newest = 0
        self.dropped = 0

    def __contains__(self, key: object) -> bool:
        """Whether a (coin, time, tid) key was seen (and is still inside the window)."""
        return key in self._seen

    def remember(self, keys: list[Key]) -> None:
        """Mark keys as seen (the trades a previous collector landed)."""
        for key in keys:
            self._add(key)
        self._forget()

    def fresh(self, rows: list[tuple]) -> list[tuple]:
        """The TRADES rows not seen before, in their order; remembers them (`_add` inlined: once a trade)."""
        seen, order, out = self._seen, self._order, []
        for row in rows:
            key = (row[0], row[1], row[5])
            if key in seen:
                self.dropped += 1
                continue
            seen.add(key)
            order.append(key)
            if key[1] > self._newest:
                self._newest = key[1]
            out.append(row)
        if order and order[0][1] < self._newest - self.window_ms:
            self._forget()
        return out

    def _add(self, key: Key) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        self._order.append(key)
        if key[1] > self._newest:
            self._newest = key[1]
        return True

    def _forget(self) -> None:
        horizon = self._newest - self.window_ms
        order = self._order
        while order and order[0][1] < horizon:
            self._seen.discard(order.popleft())
