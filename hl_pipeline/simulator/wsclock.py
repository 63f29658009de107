"""A WebSocket connection's simulated clock: starts at the config clock, moves with wall time.

With `now_ms=None` the config clock is the wall clock, so the feed is live. With a fixed
`now_ms` the connection treats it as the start and advances with wall time (times `ws_speed`),
so a frozen REST simulator still streams: data pushed at sim time t equals what REST would
answer with `now_ms=t`. Replay modes (`ws_stream_rate`) may push the clock ahead.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class WsClock:
    """Non-decreasing simulated ms: start + elapsed wall ms * speed (+ replay jumps)."""

    def __init__(self, start_ms: int, speed: float = 1.0, wall: Callable[[], float] = time.monotonic):
        self._start, self._speed, self._wall = start_ms, speed, wall
        self._t0 = wall()
        self._ahead = 0

    def now(self) -> int:
        """The current simulated time in ms."""
        return self._start + int((self._wall() - self._t0) * 1000 * self._speed) + self._ahead

    def advance_to(self, t_ms: int) -> None:
        """Jump forward so that now() >= t_ms (never backwards)."""
        gap = t_ms - self.now()
        if gap > 0:
            self._ahead += gap
