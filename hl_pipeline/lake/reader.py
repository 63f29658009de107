"""Reading partitions back, with the Hive partition columns restored.

A partition file no reader can open is quarantined (lake/quarantine.py) and reads as never written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from hl_pipeline.lake.manifest import MANIFEST_KEY, Manifest
from hl_pipeline.lake.paths import partition_file
from hl_pipeline.lake.quarantine import read_or_quarantine, scan_or_quarantine
from hl_pipeline.lake.schemas import SCHEMAS, UNPARTITIONED_BY_COIN
from hl_pipeline.lake.storage import Location, arrow_args, arrow_filesystem, existing


def read_manifest(root: Location, dataset: str, date: str, coin: str | None = None) -> Manifest | None:
    """The manifest of one partition (footer only, no row data), or None if never written."""
    return read_or_quarantine(root, partition_file(root, dataset, date, coin), manifest_at)


def footer(path: Location) -> pq.FileMetaData:
    """The Parquet footer of the file at `path`, local or on object storage."""
    where, filesystem = arrow_args(path)
    return pq.read_metadata(where, filesystem=filesystem)


def manifest_at(path: Location) -> Manifest:
    """The manifest stored in the footer of a partition file (or of a snapshot of one), read from the
    footer's key-value metadata without building the Arrow schema."""
    return Manifest.from_json((footer(path).metadata or {})[MANIFEST_KEY])


def read_table(path: Location) -> pa.Table:
    """The whole file at `path`, local or on object storage."""
    where, filesystem = arrow_args(path)
    return pq.read_table(where, filesystem=filesystem)


def read_partition(root: Location, dataset: str, date: str, coin: str | None = None) -> pa.Table | None:
    """One partition in its dataset schema (with `coin`), or None if never written."""
    table = read_or_quarantine(root, partition_file(root, dataset, date, coin), read_table)
    return None if table is None else in_schema(table.replace_schema_metadata(None), dataset, coin)


def read_head(root: Location, dataset: str, date: str, coin: str | None, rows: int) -> pa.Table | None:
    """The first `rows` rows of one partition (only its first row group is read), or None."""

    def head(path: Location) -> pa.Table:
        where, filesystem = arrow_args(path)
        file = pq.ParquetFile(where, filesystem=filesystem)
        batch = next(file.iter_batches(batch_size=rows), None)
        return pa.Table.from_batches([batch]) if batch is not None else file.schema_arrow.empty_table()

    table = read_or_quarantine(root, partition_file(root, dataset, date, coin), head)
    return None if table is None else in_schema(table.replace_schema_metadata(None), dataset, coin)


def in_schema(table: pa.Table, dataset: str, coin: str | None) -> pa.Table:
    if dataset not in UNPARTITIONED_BY_COIN:
        table = table.append_column("coin", pa.array([coin] * table.num_rows, pa.string()))
    return table.select(SCHEMAS[dataset].names).cast(SCHEMAS[dataset])


def read_range(
    root: Location,
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
    files = existing([partition_file(root, dataset, d, c) for d in dates for c in coins])
    keys = pa.schema([("coin", pa.string()), ("date", pa.string())] if by_coin else [("date", pa.string())])
    hive = ds.partitioning(keys, flavor="hive")

    def scan(paths: list[Location]) -> pa.Table:
        return ds.dataset(
            [arrow_args(f)[0] for f in paths],
            filesystem=arrow_filesystem(paths),
            format="parquet",
            partitioning=hive,
            partition_base_dir=arrow_args(root / dataset)[0],
        ).to_table(columns=[*schema.names, "date"])

    table = scan_or_quarantine(root, files, scan, read_table)
    if table is None:
        table = schema.append(pa.field("date", pa.string())).empty_table()
    keep = [*schema.names, "date"] if with_date else schema.names
    target = pa.schema([*schema, pa.field("date", pa.string())]) if with_date else schema
    return table.select(keep).cast(target)
