"""`asset_ctxs/YYYYMMDD.csv.lz4` -> one Arrow row per (time, coin).

The header is checked against the one third parties report (not confirmed by an official
sample): `time,coin,funding,open_interest,prev_day_px,day_ntl_vlm,premium,oracle_px,mark_px,
mid_px,impact_bid_px,impact_ask_px`. `time` is ISO (read as UTC, kept to the ns); numbers go
through `to_float`; an empty cell becomes null only in the NULLABLE columns.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any, BinaryIO, Literal, overload

import pyarrow as pa

from hl_pipeline.exchange.archive.errors import ArchiveFormatError, BadLine
from hl_pipeline.exchange.archive.lines import LinePolicy, LineProblem, iso_to_ns, iter_lz4_lines, source_name
from hl_pipeline.exchange.parsing import to_float

HEADER = (
    "time",
    "coin",
    "funding",
    "open_interest",
    "prev_day_px",
    "day_ntl_vlm",
    "premium",
    "oracle_px",
    "mark_px",
    "mid_px",
    "impact_bid_px",
    "impact_ask_px",
)
NUMBERS = HEADER[2:]
NULLABLE = frozenset({"premium", "mid_px", "impact_bid_px", "impact_ask_px"})
ASSET_CTXS_SCHEMA = pa.schema(
    [
        pa.field("time", pa.timestamp("ns", tz="UTC"), nullable=False),
        pa.field("coin", pa.string(), nullable=False),
    ]
    + [pa.field(name, pa.float64(), nullable=name in NULLABLE) for name in NUMBERS]
)


def _cells(text: bytes) -> list[str]:
    try:
        return next(csv.reader([text.decode("utf-8")]))
    except (UnicodeDecodeError, csv.Error, StopIteration) as exc:
        raise LineProblem(f"not a CSV line: {exc}") from None


def parse_ctx_row(cells: list[str]) -> list[Any]:
    if len(cells) != len(HEADER):
        raise LineProblem(f"expected {len(HEADER)} cells, got {len(cells)}")
    if not cells[1]:
        raise LineProblem("empty coin")
    row: list[Any] = [iso_to_ns(cells[0]), cells[1]]
    for name, cell in zip(NUMBERS, cells[2:]):
        if cell == "" and name in NULLABLE:
            row.append(None)
            continue
        try:
            row.append(to_float(cell))
        except ValueError as exc:
            raise LineProblem(f"{name}: {exc}") from None
    return row


@overload
def read_asset_ctxs(
    stream: BinaryIO, *, source: str | None = None, on_error: Literal["raise"] = "raise"
) -> pa.Table: ...
@overload
def read_asset_ctxs(
    stream: BinaryIO, *, source: str | None = None, on_error: Literal["record"]
) -> tuple[pa.Table, list[BadLine]]: ...
@overload
def read_asset_ctxs(
    stream: BinaryIO, *, source: str | None = None, on_error: str = "raise"
) -> pa.Table | tuple[pa.Table, list[BadLine]]: ...
def read_asset_ctxs(
    stream: BinaryIO, *, source: str | None = None, on_error: str = "raise"
) -> pa.Table | tuple[pa.Table, list[BadLine]]:
    """Stream an asset_ctxs file into a table (ASSET_CTXS_SCHEMA); on_error as in read_l2_snapshots.

    A wrong or missing header always raises: without it no line can be trusted.
    """
    policy = LinePolicy(source_name(stream, source), on_error)
    rows: list[list[Any]] = []
    number = 0
    for number, text in iter_lz4_lines(stream):
        if number == 1:
            if tuple(c.strip() for c in _cells(text)) != HEADER:
                raise ArchiveFormatError(policy.source, 1, f"header is not {','.join(HEADER)}", text)
            continue
        try:
            rows.append(parse_ctx_row(_cells(text)))
        except LineProblem as exc:
            policy.fail(number, str(exc), text)
    if number == 0:
        raise ArchiveFormatError(policy.source, 1, "empty file: no header")
    columns: list[Sequence[Any]] = list(zip(*rows)) if rows else [[] for _ in HEADER]
    arrays = [
        pa.array(columns[0], pa.int64()).cast(ASSET_CTXS_SCHEMA.field("time").type),
        pa.array(columns[1], pa.string()),
    ]
    arrays += [pa.array(col, pa.float64()) for col in columns[2:]]
    return policy.result(pa.Table.from_arrays(arrays, schema=ASSET_CTXS_SCHEMA))
