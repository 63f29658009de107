"""Order-book snapshots from the `l2Book` archive in the lake's shape: capture time as receive time."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.lake.schemas import BOOK_SNAPSHOTS


def books_from_archive(l2: pa.Table) -> pa.Table:
    """An archive table (`L2_SCHEMA`) as BOOK_SNAPSHOTS rows; the ns capture time is cut to ms."""
    receive = pc.cast(
        pc.divide(pc.cast(l2["capture_time"], pa.int64()), 1_000_000), pa.timestamp("ms", tz="UTC")
    )
    return (
        l2.drop_columns(["capture_time"])
        .append_column("receive_time", receive)
        .select(BOOK_SNAPSHOTS.names)
        .cast(BOOK_SNAPSHOTS)
    )
