"""Atomic replacement of one partition: write a hidden temporary file, fsync, rename over the old one."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hl_pipeline.lake.manifest import MANIFEST_KEY, Manifest
from hl_pipeline.lake.paths import PART_FILE, partition_dir
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import conform, content_hash
from hl_pipeline.lake.temporaries import left_behind, temporary

REREAD = frozenset({"features", "labels"})  # derived floats read back by every check and training run


def parquet_options(schema: pa.Schema, reread: bool = False) -> dict:
    """How the lake encodes a schema: delta for integers and timestamps (sorted, evenly spaced),
    dictionary for the rest (prices sit on a tick grid), zstd level 3 on top. A `reread` dataset
    (REREAD: continuous values, decoded again by its checks and by training) keeps dictionaries for
    non-float columns only and uses LZ4, which decodes about twice as fast here (docs/benchmarks.md)."""
    delta = [f.name for f in schema if pa.types.is_integer(f.type) or pa.types.is_timestamp(f.type)]
    rest = [f.name for f in schema if f.name not in delta and not (reread and pa.types.is_floating(f.type))]
    codec = {"compression": "lz4"} if reread else {"compression": "zstd", "compression_level": 3}
    return {
        **codec,
        "use_dictionary": rest,
        "column_encoding": {name: "DELTA_BINARY_PACKED" for name in delta},
    }


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temporaries(directory: Path, name: str) -> None:
    """Temporaries left by a crashed writer of `name`; a live writer's file is left alone."""
    for tmp in directory.glob(f".{name}.tmp-*"):
        if left_behind(tmp):
            tmp.unlink(missing_ok=True)


def commit(tmp: Path, final: Path) -> None:
    """The atomic step: after it the new partition is visible, before it the old one is."""
    os.replace(tmp, final)
    _fsync_dir(final.parent)


def write_partition(root: Location, table: pa.Table, manifest: Manifest) -> Location:
    """Replace the partition `manifest` names with `table`; returns the file written.

    Partition columns (`coin`) live in the Hive path, not in the file, so every reader
    (DuckDB, polars, pandas) sees them exactly once.
    """
    schema = SCHEMAS[manifest.dataset]
    table = conform(table, schema, manifest.dataset)
    if "coin" in table.column_names and manifest.coin is not None:
        coins = set(table.column("coin").unique().to_pylist())
        if coins - {manifest.coin}:
            raise ValueError(
                f"{manifest.dataset}: rows for {sorted(coins)} in partition coin={manifest.coin}"
            )
        table = table.drop_columns(["coin"])
    manifest.rows = table.num_rows
    manifest.content_hash = content_hash(table)
    table = table.replace_schema_metadata({MANIFEST_KEY: manifest.to_json().encode()})

    path = partition_dir(root, manifest.dataset, manifest.date, manifest.coin) / PART_FILE
    write_parquet_atomically(table, path, reread=manifest.dataset in REREAD)
    return path


def write_parquet_atomically(table: pa.Table, path: Location, reread: bool = False) -> None:
    """Write `table` to `path` so that readers see the old file or the new one, never a torn one: on
    object storage one put of the object (atomic there), locally a temporary renamed over the file."""
    if not isinstance(path, Path):  # the whole file encoded first, so a failed encoding puts nothing
        encoded = pa.BufferOutputStream()
        pq.write_table(table, encoded, **parquet_options(table.schema, reread))
        path.fs.pipe_file(path.path, encoded.getvalue().to_pybytes())
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path.parent, path.name)
    tmp = temporary(path)
    try:
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh, **parquet_options(table.schema, reread))
            fh.flush()
            os.fsync(fh.fileno())
        commit(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
