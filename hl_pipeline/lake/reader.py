"""Reading partitions back, with the Hive partition columns restored."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hl_pipeline.lake.manifest import MANIFEST_KEY, Manifest
from hl_pipeline.lake.paths import partition_file
from hl_pipeline.lake.schemas import SCHEMAS, UNPARTITIONED_BY_COIN


def read_manifest(root: Path, dataset: str, date: str, coin: str | None = None) -> Manifest | None:
    """The manifest of one partition (footer only, no row data), or None if never written."""
    path = partition_file(root, dataset, date, coin)
    if not path.exists():
        return None
    metadata = pq.read_schema(path).metadata or {}
    return Manifest.from_json(metadata[MANIFEST_KEY])


def read_partition(root: Path, dataset: str, date: str, coin: str | None = None) -> pa.Table | None:
    """One partition in its dataset schema (with `coin`), or None if never written."""
    path = partition_file(root, dataset, date, coin)
    if not path.exists():
        return None
    table = pq.read_table(path).replace_schema_metadata(None)
    if dataset not in UNPARTITIONED_BY_COIN:
        table = table.append_column("coin", pa.array([coin] * table.num_rows, pa.string()))
    return table.select(SCHEMAS[dataset].names).cast(SCHEMAS[dataset])


def read_range(
    root: Path, dataset: str, dates: Iterable[str], coins: Iterable[str | None] = (None,), *, with_date: bool = False
) -> pa.Table:
    """Every written partition among `dates` x `coins`, concatenated (missing ones skipped).

    With `with_date`, a `date` column carries each row's partition day (a row's `time` can lie
    outside it, e.g. a universe listing captured later than the day it stands for)."""
    schema = SCHEMAS[dataset].append(pa.field("date", pa.string())) if with_date else SCHEMAS[dataset]
    parts = []
    for date in dates:
        for coin in coins:
            table = read_partition(root, dataset, date, coin)
            if table is not None:
                parts.append(table.append_column("date", pa.array([date] * table.num_rows, pa.string())) if with_date else table)
    return pa.concat_tables(parts) if parts else schema.empty_table()
