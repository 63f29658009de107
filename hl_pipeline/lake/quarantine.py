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
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

from hl_pipeline.lake.storage import Location, relative, store_path

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


def quarantine(root: Location, path: Location, error: BaseException) -> Location | None:
    """Move `path` (inside `root`) to the quarantine folder and record why; None if it was already
    gone (another reader moved it first)."""
    rel = Path(relative(path, root))
    now = dt.datetime.now(dt.UTC)
    folder = root / QUARANTINE_DIR
    dest = folder / str(rel.parent) / f"{rel.name}.{int(now.timestamp() * 1000)}{SUFFIX}"
    try:
        size = path.stat().st_size
        if isinstance(path, Path) and isinstance(dest, Path):
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)
        elif not isinstance(path, Path):
            path.fs.mv(path.path, store_path(dest))  # a copy, then a delete: whole, then gone
    except FileNotFoundError:
        return None
    record: dict[str, str | int] = {
        "time": now.isoformat(timespec="milliseconds"),
        "path": str(rel),
        "moved_to": str(Path(QUARANTINE_DIR) / rel.parent / dest.name),
        "bytes": size,
        "error": f"{type(error).__name__}: {error}",
    }
    _record(folder, record)
    log.warning("quarantined corrupt file %s -> %s (%s)", rel, record["moved_to"], str(record["error"])[:200])
    return dest


def _record(folder: Location, record: dict[str, str | int]) -> None:
    """Append `record` to the quarantine's records: one line of RECORDS locally (one short line per
    write: appends stay whole); on object storage, which cannot append, one object of its own."""
    line = json.dumps(record) + "\n"
    if not isinstance(folder, Path):
        (folder / f"{RECORDS}.{uuid.uuid4().hex}").write_text(line, encoding="utf-8")
        return
    with open(folder / RECORDS, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def read_or_quarantine(root: Location, path: Location, read: Callable[[Location], T]) -> T | None:
    """`read(path)`; None if the file is missing, or unreadable (then it is quarantined)."""
    try:
        return read(path)
    except FileNotFoundError:
        return None
    except Exception as exc:
        if not unreadable(exc):
            raise
        if not isinstance(path, Path) and not _corrupt_object(path, read):
            raise  # the store failed (network, credentials, endpoint), not the object
        quarantine(root, path, exc)
        return None


def _corrupt_object(path: Location, read: Callable[[Location], object]) -> bool:
    """Whether the object at `path`, fetched whole, fails `read` as a local file: a reader's error on
    object storage may be the store's (unreachable, refused), which must never quarantine good data.
    Errors fetching it propagate."""
    data = path.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_bytes(data)
        try:
            read(copy)
        except Exception as exc:
            if unreadable(exc):
                return True
            raise
    return False


def scan_or_quarantine(
    root: Location,
    files: list[Location],
    scan: Callable[[list[Location]], T],
    read: Callable[[Location], object],
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


def record_files(root: Location) -> list[Location]:
    """The files holding the quarantine records under `root`: RECORDS, and its one-record objects."""
    folder = root / QUARANTINE_DIR
    return sorted(folder.glob(f"{RECORDS}*"), key=str) if folder.exists() else []


def records(root: Location) -> list[dict]:
    """Every quarantine record under `root`, oldest first."""
    lines = [line for path in record_files(root) for line in path.read_text(encoding="utf-8").splitlines()]
    return sorted((json.loads(line) for line in lines if line.strip()), key=lambda r: r["time"])
