"""Corrupt files moved aside: a file no reader can open (a torn footer, a truncated copy) goes to
`<root>/_quarantine/` with a record, so it never blocks the partitions, views or streams around it.

The partition then reads as never written: the step that owns it rebuilds it from its source where
there is one, and where there is none the loss shows as a gap. `records.jsonl` beside the moved files
says what was moved, when, and why (the reader's error)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

QUARANTINE_DIR = "_quarantine"
RECORDS = "records.jsonl"
SUFFIX = ".quarantined"  # no reader's `*.parquet` glob picks a quarantined file up

T = TypeVar("T")
log = logging.getLogger(__name__)


def unreadable(exc: BaseException) -> bool:
    """Whether `exc` from opening or decoding a file says the file itself is bad (not that it is
    missing or forbidden, which quarantine would not mend)."""
    if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
        return False
    return isinstance(exc, pa.ArrowException | OSError | ValueError | KeyError)


def quarantine(root: Path, path: Path, error: BaseException) -> Path | None:
    """Move `path` (inside `root`) to the quarantine folder and record why; None if it was already
    gone (another reader moved it first)."""
    rel = path.relative_to(root)
    now = dt.datetime.now(dt.UTC)
    folder = root / QUARANTINE_DIR
    dest = folder / rel.parent / f"{rel.name}.{int(now.timestamp() * 1000)}{SUFFIX}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        size = path.stat().st_size
        os.replace(path, dest)
    except FileNotFoundError:
        return None
    record: dict[str, str | int] = {
        "time": now.isoformat(timespec="milliseconds"),
        "path": str(rel),
        "moved_to": str(dest.relative_to(root)),
        "bytes": size,
        "error": f"{type(error).__name__}: {error}",
    }
    with open(folder / RECORDS, "a", encoding="utf-8") as fh:  # one short line per write: appends stay whole
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    log.warning("quarantined corrupt file %s -> %s (%s)", rel, record["moved_to"], str(record["error"])[:200])
    return dest


def read_or_quarantine(root: Path, path: Path, read: Callable[[Path], T]) -> T | None:
    """`read(path)`; None if the file is missing, or unreadable (then it is quarantined)."""
    try:
        return read(path)
    except FileNotFoundError:
        return None
    except Exception as exc:
        if not unreadable(exc):
            raise
        quarantine(root, path, exc)
        return None


def scan_or_quarantine(
    root: Path, files: list[Path], scan: Callable[[list[Path]], T], read: Callable[[Path], object]
) -> T | None:
    """`scan(files)` (None if there are none); should a file be unreadable, those `read` cannot open
    alone are quarantined and the rest scanned."""
    if not files:
        return None
    try:
        return scan(files)
    except Exception as exc:
        if not unreadable(exc):
            raise
    rest = [f for f in files if read_or_quarantine(root, f, read) is not None]
    return scan(rest) if rest else None


def records(root: Path) -> list[dict]:
    """Every quarantine record under `root`, oldest first."""
    path = root / QUARANTINE_DIR / RECORDS
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
