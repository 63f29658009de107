"""Frozen copies of partitions that may still be rewritten, kept beside the partition that read them.

A snapshot is a hard link to the partition file as it was (a rewrite replaces the file by rename,
so the link keeps the old content), or a copy where links are not possible. It is named
`<dataset>-<coin>-<date>-<hash>.snapshot`: no Parquet glob of the lake picks it up."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa

from hl_pipeline.errors import PreconditionError
from hl_pipeline.lake.paths import partition_file
from hl_pipeline.lake.quarantine import read_or_quarantine
from hl_pipeline.lake.reader import in_schema, manifest_at, read_table
from hl_pipeline.lake.storage import Location, store_path
from hl_pipeline.lake.temporaries import temporary
from hl_pipeline.lake.writer import commit

SUFFIX = ".snapshot"


def snapshot(root: Location, folder: Location, dataset: str, date: str, coin: str, content_hash: str) -> str:
    """Freeze partition (dataset, date, coin), which must hold `content_hash`, into `folder`; returns
    the snapshot's file name (an existing one is reused)."""
    name = f"{dataset}-{coin}-{date}-{content_hash[:16]}{SUFFIX}"
    target = folder / name
    if read_or_quarantine(root, target, manifest_at) is not None:  # a torn one is quarantined, made again
        return name
    source = partition_file(root, dataset, date, coin)
    if isinstance(target, Path) and isinstance(source, Path):
        _freeze_file(source, target, (dataset, coin, date, content_hash))
    elif not isinstance(source, Path):  # object storage: a server-side copy, atomic like a put
        source.fs.copy(source.path, store_path(target))
        _check_frozen(target, (dataset, coin, date, content_hash))
    return name


def _freeze_file(source: Path, target: Path, expected: tuple[str, str, str, str]) -> None:
    """A hard link (or a copy) of local partition file `source` renamed over `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary(target)
    try:
        try:
            os.link(source, tmp)
        except OSError:  # no hard links here (another device): copy
            shutil.copyfile(source, tmp)
        _check_frozen(tmp, expected)
        commit(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _check_frozen(frozen: Location, expected: tuple[str, str, str, str]) -> None:
    """Raise (removing `frozen`) unless it holds the content hash of `expected` (dataset, coin, date,
    content hash)."""
    dataset, coin, date, content_hash = expected
    got = manifest_at(frozen).content_hash
    if got != content_hash:
        frozen.unlink(missing_ok=True)
        raise PreconditionError(
            f"{dataset} {coin}/{date} was rewritten while it was being frozen "
            f"(hash {got[:12]}, expected {content_hash[:12]}): run again"
        )


def read_snapshot(root: Location, path: Location, dataset: str, coin: str | None) -> pa.Table | None:
    """A snapshot's rows in its dataset's schema (with `coin`); None if it is gone or unreadable (then
    quarantined)."""
    table = read_or_quarantine(root, path, read_table)
    return None if table is None else in_schema(table.replace_schema_metadata(None), dataset, coin)


def prune(folder: Location, keep: set[str]) -> None:
    """Remove the snapshots in `folder` not named in `keep`."""
    for path in folder.glob(f"*{SUFFIX}"):
        if path.name not in keep:
            path.unlink(missing_ok=True)
