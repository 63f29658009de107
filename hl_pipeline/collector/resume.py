"""Where a previous collector stopped: the last receive time per (channel, coin) in the landing zone."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq


def previous_ends(landing: Path) -> dict[tuple[str, str], int]:
    """From the newest landing file of each channel (after any journal recovery)."""
    ends: dict[tuple[str, str], int] = {}
    for channel in ("trades", "l2Book"):
        files = sorted((landing / channel).glob("*/*.parquet"), key=lambda p: int(p.stem.split("-")[1]))
        if not files:
            continue
        table = pq.read_table(files[-1], columns=["coin", "receive_time"])
        for coin, t in zip(table.column("coin").to_pylist(), table.column("receive_time").to_pylist()):
            ms = int(t.timestamp() * 1000)
            ends[(channel, coin)] = max(ends.get((channel, coin), 0), ms)
    return ends
