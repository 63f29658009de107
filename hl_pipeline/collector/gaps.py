"""Where the collector was not listening: every interval without data becomes an explicit record."""

from __future__ import annotations


class GapTracker:
    """Remembers the last receive time per (channel, coin); a reconnect turns the silence into gaps."""

    def __init__(self, started_ms: int, previous_end_ms: dict[tuple[str, str], int] | None = None):
        self._last: dict[tuple[str, str], int] = dict(previous_end_ms or {})
        self._open: dict[tuple[str, str], tuple[int, str]] = {
            key: (t, "start") for key, t in self._last.items()
        }
        self._started = started_ms

    def seen(self, channel: str, coin: str, receive_ms: int) -> dict | None:
        """Record a message; returns the gap it closes, if one was open."""
        key = (channel, coin)
        self._last[key] = receive_ms
        opened = self._open.pop(key, None) if self._open else None  # per message: the common case first
        if opened is None:
            return None
        start, cause = opened
        return {
            "channel": channel,
            "coin": coin,
            "start": start,
            "end": receive_ms,
            "cause": cause,
            "receive_time": receive_ms,
        }

    def interrupted(self, cause: str, now_ms: int) -> None:
        """The connection dropped or fell silent: every stream opens a gap at its last message."""
        for key, last in self._last.items():
            self._open.setdefault(key, (last, cause))

    def expect(self, channel: str, coin: str) -> None:
        """A subscription with no message yet: the time since start is a gap until one arrives."""
        self._last.setdefault((channel, coin), self._started)
