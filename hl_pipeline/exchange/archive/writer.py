"""Write archive-format files (LZ4 frame, one line per record) for tests and the simulator.

`write_l2_archive` emits the exact line format of `market_data/.../l2Book/COIN.lz4`, compact
JSON with keys in the archive's order, so a line read from a real file and re-written
comes out byte-for-byte the same (prices and sizes are kept as the decimal strings given).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

import lz4.frame

Level = tuple[str, str, int]  # (px, sz, n) as in the archive: decimal strings and an int


@dataclass(frozen=True)
class L2Snapshot:
    """One archived book: capture_time is the ISO text ("2024-01-01T12:00:01.138942031")."""

    capture_time: str
    coin: str
    time: int  # exchange ms
    bids: list[Level]
    asks: list[Level]
    ver_num: int = 1

    @classmethod
    def from_line(cls, text: bytes | str) -> L2Snapshot:
        obj = json.loads(text)
        data = obj["raw"]["data"]
        bids, asks = ([(lvl["px"], lvl["sz"], lvl["n"]) for lvl in side] for side in data["levels"])
        return cls(obj["time"], data["coin"], data["time"], bids, asks, obj["ver_num"])


def l2_line(snap: L2Snapshot) -> str:
    """The archive's JSON line for one snapshot (no trailing newline)."""
    levels = [[{"px": px, "sz": sz, "n": n} for px, sz, n in side] for side in (snap.bids, snap.asks)]
    obj = {
        "time": snap.capture_time,
        "ver_num": snap.ver_num,
        "raw": {"channel": "l2Book", "data": {"coin": snap.coin, "time": snap.time, "levels": levels}},
    }
    return json.dumps(obj, separators=(",", ":"))


def write_lz4_lines(path: str | os.PathLike, lines: Iterable[str | bytes]) -> int:
    """Write newline-terminated lines into an LZ4 frame file, streaming; returns the line count."""
    count = 0
    with lz4.frame.open(os.fspath(path), mode="wb") as out:
        for line in lines:
            out.write((line.encode() if isinstance(line, str) else line) + b"\n")
            count += 1
    return count


def write_l2_archive(path: str | os.PathLike, snapshots: Iterable[L2Snapshot]) -> int:
    """Write snapshots as an l2Book archive file; parent folders are created. Returns the count."""
    os.makedirs(os.path.dirname(os.fspath(path)) or ".", exist_ok=True)
    return write_lz4_lines(path, (l2_line(s) for s in snapshots))
