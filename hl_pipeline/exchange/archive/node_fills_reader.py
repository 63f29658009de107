"""`node_fills_by_block/hourly/YYYYMMDD/H.lz4` -> one Arrow row per fill event.

A line is one block `{"local_time", "block_time", "block_number", "events"}`; each event is
`[user_address, fill]` with the fill in the API fills format. Times given as ISO strings
(`block_time`, `local_time`) are read as UTC to the ns; the fill's `time` is exchange ms.
A trade appears once per side (buyer and seller each get a fill) - inferred, not confirmed.
Optional fill keys (absent on some fills) become nulls; `liquidation` is kept as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, Literal, NoReturn, overload

import pyarrow as pa

from hl_pipeline.exchange.archive.errors import BadLine
from hl_pipeline.exchange.archive.lines import LinePolicy, LineProblem, iso_to_ns, iter_lz4_lines, source_name
from hl_pipeline.exchange.parsing import to_float

_TS_MS, _TS_NS = pa.timestamp("ms", tz="UTC"), pa.timestamp("ns", tz="UTC")
# (column, fill key, arrow type, kind, required); kind: num, int, str, bool, json
_FIELDS = (
    ("coin", "coin", pa.string(), "str", True),
    ("time", "time", _TS_MS, "int", True),
    ("px", "px", pa.float64(), "num", True),
    ("sz", "sz", pa.float64(), "num", True),
    ("side", "side", pa.string(), "side", True),
    ("dir", "dir", pa.string(), "str", True),
    ("start_position", "startPosition", pa.float64(), "num", True),
    ("closed_pnl", "closedPnl", pa.float64(), "num", True),
    ("fee", "fee", pa.float64(), "num", True),
    ("fee_token", "feeToken", pa.string(), "str", False),
    ("builder_fee", "builderFee", pa.float64(), "num", False),
    ("deployer_fee", "deployerFee", pa.float64(), "num", False),
    ("hash", "hash", pa.string(), "str", True),
    ("tid", "tid", pa.int64(), "int", True),
    ("oid", "oid", pa.int64(), "int", True),
    ("crossed", "crossed", pa.bool_(), "bool", True),
    ("cloid", "cloid", pa.string(), "str", False),
    ("twap_id", "twapId", pa.int64(), "int", False),
    ("liquidation", "liquidation", pa.string(), "json", False),
)
NODE_FILLS_SCHEMA = pa.schema(
    [
        pa.field("block_number", pa.int64(), nullable=False),
        pa.field("block_time", _TS_NS, nullable=False),
        pa.field("local_time", _TS_NS, nullable=False),
        pa.field("user", pa.string(), nullable=False),
    ]
    + [pa.field(col, typ, nullable=not req) for col, _, typ, _, req in _FIELDS]
)
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "num": lambda v: to_float(v),
    "int": lambda v: v if type(v) is int else _bad(v, "an integer"),
    "str": lambda v: v if isinstance(v, str) else _bad(v, "a string"),
    "bool": lambda v: v if type(v) is bool else _bad(v, "true or false"),
    "side": lambda v: v if v in ("A", "B") else _bad(v, "'A' or 'B'"),
    "json": lambda v: json.dumps(v, separators=(",", ":")),
}


def _bad(value: object, expected: str) -> NoReturn:
    raise LineProblem(f"expected {expected}, got {value!r}")


def _fill_row(fill: object, what: str) -> list[Any]:
    if not isinstance(fill, dict):
        raise LineProblem(f"{what} should be a JSON object")
    row: list[Any] = []
    for _, key, _, kind, required in _FIELDS:
        value = fill.get(key)
        if value is None:
            if required:
                raise LineProblem(f"{what} lacks {key!r}")
            row.append(None)
            continue
        try:
            row.append(_CHECKS[kind](value))
        except ValueError as exc:
            raise LineProblem(f"{what}.{key}: {exc}") from None
    return row


def parse_block_line(text: bytes) -> list[list[Any]]:
    """One block line -> its fill rows (block_number, block_time, local_time, user, *fill)."""
    try:
        block = json.loads(text)
    except ValueError as exc:
        raise LineProblem(f"not JSON: {exc}") from None
    if (
        not isinstance(block, dict)
        or not {"block_number", "block_time", "local_time", "events"} <= block.keys()
    ):
        raise LineProblem("block should be an object with local_time, block_time, block_number, events")
    number, events = block["block_number"], block["events"]
    if type(number) is not int or not isinstance(events, list):
        raise LineProblem("block_number should be an integer and events a list")
    head = [number, iso_to_ns(block["block_time"]), iso_to_ns(block["local_time"])]
    rows: list[list[Any]] = []
    for i, event in enumerate(events):
        if not (isinstance(event, list) and len(event) == 2 and isinstance(event[0], str)):
            raise LineProblem(f"events[{i}] should be [user_address, fill]")
        rows.append([*head, event[0], *_fill_row(event[1], f"events[{i}].fill")])
    return rows


@overload
def read_node_fills(
    stream: BinaryIO, *, source: str | None = None, on_error: Literal["raise"] = "raise"
) -> pa.Table: ...
@overload
def read_node_fills(
    stream: BinaryIO, *, source: str | None = None, on_error: Literal["record"]
) -> tuple[pa.Table, list[BadLine]]: ...
@overload
def read_node_fills(
    stream: BinaryIO, *, source: str | None = None, on_error: str = "raise"
) -> pa.Table | tuple[pa.Table, list[BadLine]]: ...
def read_node_fills(
    stream: BinaryIO, *, source: str | None = None, on_error: str = "raise"
) -> pa.Table | tuple[pa.Table, list[BadLine]]:
    """Stream a node_fills_by_block file into a table (NODE_FILLS_SCHEMA); on_error as for l2."""
    policy = LinePolicy(source_name(stream, source), on_error)
    rows: list[list[Any]] = []
    for number, text in iter_lz4_lines(stream):
        try:
            rows += parse_block_line(text)
        except LineProblem as exc:
            policy.fail(number, str(exc), text)
    columns: list[Sequence[Any]] = list(zip(*rows)) if rows else [[] for _ in NODE_FILLS_SCHEMA]
    arrays = []
    for field, values in zip(NODE_FILLS_SCHEMA, columns):
        base = pa.int64() if pa.types.is_timestamp(field.type) else field.type
        arrays.append(pa.array(values, base).cast(field.type))
    return policy.result(pa.Table.from_arrays(arrays, schema=NODE_FILLS_SCHEMA))
