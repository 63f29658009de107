"""Where collectors land: one folder per collector. An unsharded collector lands in the landing root
itself; shard i of N in `<root>/shard-<i>-of-<N>/`, each with its own channels, journals, quarantine
and heartbeat. Readers take every folder, so a resharding (a new N) leaves history readable.

Each landing file names the coins its collector was subscribed to (`hl.coins` in its footer), so a
reader knows which coins a file's receive span listened to; a file without it listened to every coin.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COINS_KEY = b"hl.coins"
SHARD_GLOB = "shard-*-of-*"


def shard_folder(index: int, count: int) -> str:
    return f"shard-{index}-of-{count}"


def shard_of(folder: Path) -> tuple[int, int] | None:
    """(index, count) of a shard folder's name; None for the landing root itself."""
    parts = folder.name.split("-")
    if (
        len(parts) == 4
        and parts[0] == "shard"
        and parts[2] == "of"
        and parts[1].isdigit()
        and parts[3].isdigit()
    ):
        return int(parts[1]), int(parts[3])
    return None


def landing_folders(root: Path) -> list[Path]:
    """The landing root and every shard folder in it, the root first."""
    return [root, *sorted(p for p in root.glob(SHARD_GLOB) if p.is_dir() and shard_of(p))]


def with_coins(schema: pa.Schema, coins: list[str]) -> pa.Schema:
    """`schema` carrying the subscribed coins, for the journals and landing files written under it."""
    return schema.with_metadata({**(schema.metadata or {}), COINS_KEY: ",".join(coins).encode()})


def subscribed_coins(path: Path) -> frozenset[str] | None:
    """The coins a landing file's collector was subscribed to (None: not recorded, i.e. every coin)."""
    meta = pq.read_metadata(path).metadata or {}
    raw = meta.get(COINS_KEY)
    return None if raw is None else frozenset(raw.decode().split(","))
