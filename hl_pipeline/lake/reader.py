"""Reading partitions back, with the Hive partition columns restored.

A partition file no reader can open is quarantined (lake/quarantine.py) and reads as never written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hl_pipeline.lake.manifest import MANIFEST_KEY, Manifest
from hl_pipeline.lake.paths import partition_file
from hl_pipeline.lake.quarantine import read_or_quarantine, scan_or_quarantine
from hl_pipeline.lake.schemas import SCHEMAS, UNPARTITIONED_BY_COIN


def read_manifest(root: Path, dataset: str, date: str, coin: str | None = None) -> Manifest | None:
    """The manifest of one partition (footer only, no row data), or None if never written."""
    return read_or_quarantine(root, partition_file(root, dataset, date, coin), manifest_at)


def manifest_at(path: Path) -> Manifest:
    """The manifest stored in the footer of a partition file (or of a snapshot of one), read from the
    footer's key-value metadata without building the Arrow schema."""
    return Manifest.from_json((pq.read_metadata(path).metadata or {})[MANIFEST_KEY])


def read_partition(root: Path, dataset: str, date: str, coin: str | None = None) -> pa.Table | None:
    """One partition in its dataset schema (with `coin`), or None if never written."""
    table = read_or_quarantine(root, partition_file(root, dataset, date, coin), pq.read_table)
    return None if table is None else in_schema(table.replace_schema_metadata(None), dataset, coin)


def read_head(root: Path, dataset: str, date: str, coin: str | None, rows: int) -> pa.Table | None:
    """The first `rows` rows of one partition (only its first row group is read), or None."""

    def head(path: Path) -> pa.Table:
        batch = next(pq.ParquetFile(path).iter_batches(batch_size=rows), None)
        return pa.Table.from_batches([batch]) if batch is not None else pq.read_schema(path).empty_table()

    table = read_or_quarantine(root, partition_file(root, dataset, date, coin), head)
    return None if table is None else in_schema(table.replace_schema_metadata(None), dataset, coin)


def in_schema(table: pa.Table, dataset: str, coin: str | None) -> pa.Table:
    if dataset not in UNPARTITIONED_BY_COIN:
        table = table.append_column("coin", pa.array([coin] * table.num_rows, pa.string()))
    return table.select(SCHEMAS[dataset].names).cast(SCHEMAS[dataset])


def read_range(
    root: Path,
    dataset: str,
    dates: Iterable[str],
    coins: Iterable[str | None] = (None,),
    *,
    with_date: bool = False,
    columns: Sequence[str] | None = None,
) -> pa.Table:
    """Every written partition among `dates` x `coins` in that order (missing ones skipped), in one scan.

    With `with_date`, a `date` column carries each row's partition day (a row's `time` can lie
    outside it, e.g. a universe listing captured later than the day it stands for). `columns`
    reads only those (in the dataset's order), the others are never decoded."""
    import pyarrow.dataset as ds  # imports pandas: kept out of code-location load

    schema = SCHEMAS[dataset]
    if columns is not None:
        unknown = sorted(set(columns) - set(schema.names))
        if unknown:
            raise ValueError(f"{dataset} has no column(s) {unknown}")
        schema = pa.schema([f for f in schema if f.name in set(columns)])
    by_coin = dataset not in UNPARTITIONED_BY_COIN
    coins = list(coins) if by_coin else [None]
    files = [f for d in dates for c in coins if (f := partition_file(root, dataset, d, c)).exists()]
    keys = pa.schema([("coin", pa.string()), ("date", pa.string())] if by_coin else [("date", pa.string())])
    hive = ds.partitioning(keys, flavor="hive")

    def scan(paths: list[Path]) -> pa.Table:
        return ds.dataset(
            [str(f) for f in paths],
            format="parquet",
            partitioning=hive,
            partition_base_dir=str(root / dataset),
        ).to_table(columns=[*schema.names, "date"])

    table = scan_or_quarantine(root, files, scan, pq.read_table)
    if table is None:
        table = schema.append(pa.field("date", pa.string())).empty_table()
    keep = [*schema.names, "date"] if with_date else schema.names
    target = pa.schema([*schema, pa.field("date", pa.string())]) if with_date else schema
    return table.select(keep).cast(target)
