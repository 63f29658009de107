"""Where a previous collector stopped: the last receive time per (channel, coin) in the landing zone."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq


def previous_ends(landing: Path, coins: Iterable[str]) -> dict[tuple[str, str], int]:
    """For each channel, landing files newest first until every coin has its last receive time
    (call after any journal recovery); a coin never landed has no entry."""
    wanted = set(coins)
    ends: dict[tuple[str, str], int] = {}
    for channel in ("trades", "l2Book"):
        files = sorted((landing / channel).glob("*/*.parquet"), key=lambda p: int(p.stem.split("-")[1]), reverse=True)
        missing = set(wanted)
        for path in files:
            if not missing:
                break
            table = pq.read_table(path, columns=["coin", "receive_time"])
            for coin in missing & set(table.column("coin").to_pylist()):
                rows = table.filter(pc.equal(table["coin"], coin))
                ends[(channel, coin)] = int(pc.max(rows["receive_time"]).cast("int64").as_py())
            missing -= {c for ch, c in ends if ch == channel}
    return ends
