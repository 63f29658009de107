"""Frozen copies of partitions that may still be rewritten, kept beside the partition that read them.

A snapshot is a hard link to the partition file as it was (a rewrite replaces the file by rename,
so the link keeps the old content), or a copy where links are not possible. It is named
`<dataset>-<coin>-<date>-<hash>.snapshot`: no Parquet glob of the lake picks it up."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hl_pipeline.errors import PreconditionError
from hl_pipeline.lake.paths import partition_file
from hl_pipeline.lake.quarantine import read_or_quarantine
from hl_pipeline.lake.reader import in_schema, manifest_at
from hl_pipeline.lake.temporaries import temporary
from hl_pipeline.lake.writer import commit

SUFFIX = ".snapshot"


def snapshot(root: Path, folder: Path, dataset: str, date: str, coin: str, content_hash: str) -> str:
    """Freeze partition (dataset, date, coin), which must hold `content_hash`, into `folder`; returns
    the snapshot's file name (an existing one is reused)."""
    name = f"{dataset}-{coin}-{date}-{content_hash[:16]}{SUFFIX}"
    target = folder / name
    if read_or_quarantine(root, target, manifest_at) is not None:  # a torn one is quarantined, made again
        return name
    folder.mkdir(parents=True, exist_ok=True)
    tmp = temporary(target)
    try:
        try:
            os.link(partition_file(root, dataset, date, coin), tmp)
        except OSError:  # no hard links here (another device, object storage): copy
            shutil.copyfile(partition_file(root, dataset, date, coin), tmp)
        frozen = manifest_at(tmp)
        if frozen.content_hash != content_hash:
            raise PreconditionError(
                f"{dataset} {coin}/{date} was rewritten while it was being frozen "
                f"(hash {frozen.content_hash[:12]}, expected {content_hash[:12]}): run again"
            )
        commit(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return name


def read_snapshot(root: Path, path: Path, dataset: str, coin: str | None) -> pa.Table | None:
    """A snapshot's rows in its dataset's schema (with `coin`); None if it is gone or unreadable (then
    quarantined)."""
    table = read_or_quarantine(root, path, pq.read_table)
    return None if table is None else in_schema(table.replace_schema_metadata(None), dataset, coin)


def prune(folder: Path, keep: set[str]) -> None:
    """Remove the snapshots in `folder` not named in `keep`."""
    for path in folder.glob(f"*{SUFFIX}"):
        if path.name not in keep:
            path.unlink(missing_ok=True)
