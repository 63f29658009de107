"""Where a previous collector stopped: the last receive time per (channel, coin) in the landing zone,
and the trade keys it landed last (so the replay batch after a restart is not landed twice). A landing
file that does not open is quarantined, never a reason not to start."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hl_pipeline.lake.quarantine import read_or_quarantine


def _newest_first(landing: Path, channel: str) -> list[Path]:
    return sorted(
        (landing / channel).glob("*/*.parquet"), key=lambda p: int(p.stem.split("-")[1]), reverse=True
    )


def previous_ends(landing: Path, coins: Iterable[str]) -> dict[tuple[str, str], int]:
    """For each channel, landing files newest first until every coin has its last receive time
    (call after any journal recovery); a coin never landed has no entry."""
    wanted = set(coins)
    ends: dict[tuple[str, str], int] = {}
    for channel in ("trades", "l2Book"):
        missing = set(wanted)
        for path in _newest_first(landing, channel):
            if not missing:
                break
            table = read_or_quarantine(
                landing, path, lambda p: pq.read_table(p, columns=["coin", "receive_time"])
            )
            if table is None:  # corrupt: quarantined, its span a recorded gap
                continue
            for coin in missing & set(table.column("coin").to_pylist()):
                rows = table.filter(pc.equal(table["coin"], coin))
                ends[(channel, coin)] = int(pc.max(rows["receive_time"]).cast("int64").as_py())
            missing -= {c for ch, c in ends if ch == channel}
    return ends


def recent_trade_keys(landing: Path, window_ms: int) -> list[tuple[str, int, int]]:
    """(coin, time, tid) of the trades landed in the last `window_ms` of receive time, oldest first."""
    files = _newest_first(landing, "trades")
    if not files:
        return []
    horizon = int(files[0].stem.split("-")[1]) - window_ms
    read = [
        read_or_quarantine(landing, p, lambda p: pq.read_table(p, columns=["coin", "time", "tid"]))
        for p in files
        if int(p.stem.split("-")[1]) >= horizon
    ]
    tables = [t for t in read if t is not None]
    if not tables:
        return []
    table = pa.concat_tables(tables).sort_by("time")
    times = table["time"].cast(pa.int64()).to_pylist()
    return list(zip(table["coin"].to_pylist(), times, table["tid"].to_pylist()))
