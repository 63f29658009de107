"""The heartbeat file: last message time and message rate per channel, rewritten atomically."""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path


class Health:
    def __init__(self, path: Path):
        self.path = path
        self.started = time.time()
        self.counts: dict[str, int] = defaultdict(int)
        self.last_message: dict[str, int] = {}  # channel -> receive ms
        self.lag_ms: dict[str, int] = {}  # channel -> receive minus exchange time of its last message
        self.reconnects = 0
        self.gaps = 0
        self.gap_causes: dict[tuple[str, str], int] = defaultdict(int)  # (channel, cause) -> gaps
        self.connected = False

    def message(self, channel: str, receive_ms: int) -> None:
        self.counts[channel] += 1
        self.last_message[channel] = receive_ms

    def gap(self, channel: str, cause: str) -> None:
        """A gap record was written."""
        self.gaps += 1
        self.gap_causes[(channel, cause)] += 1

    def write(self) -> None:
        elapsed = max(time.time() - self.started, 1e-9)
        state = {
            "time": time.time(),
            "connected": self.connected,
            "reconnects": self.reconnects,
            "gaps": self.gaps,
            "channels": {
                ch: {
                    "messages": n,
                    "per_second": round(n / elapsed, 2),
                    "last_message": self.last_message[ch] / 1000 if ch in self.last_message else None,
                }
                for ch, n in sorted(self.counts.items())
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(state, indent=1))
        os.replace(tmp, self.path)
