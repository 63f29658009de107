"""Small candle tables for lake and market tests."""

import numpy as np
import pyarrow as pa

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.paths import PART_FILE
from hl_pipeline.lake.reader import read_manifest, read_partition, read_table
from hl_pipeline.lake.schemas import CANDLES
from hl_pipeline.lake.storage import Location, relative

DAY0_MS = 1_704_067_200_000  # 2024-01-01T00:00Z


def candles_1m(n: int, start_ms: int = DAY0_MS, coin: str = "BTC", skip: tuple[int, ...] = ()) -> pa.Table:
    """`n` consecutive 1m candles (minus the indices in `skip`) with a simple rising path."""
    idx = np.array([i for i in range(n) if i not in skip], dtype=np.int64)
    t = start_ms + idx * 60_000
    base = 100.0 + idx
    return pa.table(
        {
            "coin": [coin] * len(idx),
            "interval": ["1m"] * len(idx),
            "source": ["api"] * len(idx),
            "time": t,
            "close_time": t + 59_999,
            "open": base,
            "high": base + 2,
            "low": base - 1,
            "close": base + 0.5,
            "volume": np.full(len(idx), 1.5),
            "trades": np.full(len(idx), 3),
            "ingest_time": t,
        }
    ).cast(CANDLES)


def manifest_of(root: Location, dataset: str, date: str, coin: str | None = None) -> Manifest:
    """The manifest of a partition that must exist."""
    manifest = read_manifest(root, dataset, date, coin)
    assert manifest is not None, (dataset, date, coin)
    return manifest


def partition_of(root: Location, dataset: str, date: str, coin: str | None = None) -> pa.Table:
    """A partition that must exist."""
    table = read_partition(root, dataset, date, coin)
    assert table is not None, (dataset, date, coin)
    return table


VARYING = {"ingest_time"}  # when a row was fetched: differs between any two runs, whatever the lake


def lake_tables(root: Location) -> dict[str, pa.Table]:
    """Every partition file under `root` (a folder or an object-store prefix) by its path inside the
    lake, its rows sorted and the columns that vary between runs left out: two lakes written from the
    same source compare equal row for row."""
    out = {}
    paths: list[Location] = sorted(root.rglob(PART_FILE), key=str)
    for path in paths:
        table = read_table(path).replace_schema_metadata(None)
        table = table.drop_columns([c for c in table.column_names if c in VARYING])
        flat = [c for c in table.column_names if not pa.types.is_nested(table.schema.field(c).type)]
        out[relative(path, root)] = table.sort_by([(c, "ascending") for c in flat])
    return out
