"""Hidden temporary files of atomic writes: named after the writing process, so that one left by a
killed writer is recognised and removed while a live writer's is kept."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from hl_pipeline.lake.storage import Location

STALE_SECONDS = 600  # a temporary whose writer cannot be told (another host) counts as left after this


def temporary(path: Path) -> Path:
    """A hidden temporary beside `path` for this process to write and rename over it."""
    return path.parent / f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex}"


def alive(pid: str) -> bool:
    """Whether process `pid` of this host still runs (False for anything not a pid)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # runs, as another user
        return True
    return True


def left_behind(tmp: Path) -> bool:
    """Whether temporary `tmp` was left by a writer that is gone: its process no longer runs, or, for
    a name without a pid, it is older than STALE_SECONDS."""
    parts = tmp.name.rsplit(".tmp-", 1)[-1].split("-")
    if len(parts) == 2 and parts[0].isdigit():
        return not alive(parts[0])
    try:
        return tmp.stat().st_mtime < time.time() - STALE_SECONDS
    except FileNotFoundError:
        return False


def sweep(root: Location) -> int:
    """Remove every temporary under `root` left by a writer that is gone; returns how many. A lake on
    object storage has none (its writes are single puts)."""
    if not isinstance(root, Path):
        return 0
    removed = 0
    for tmp in root.rglob(".*.tmp-*") if root.exists() else ():
        if left_behind(tmp):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed
