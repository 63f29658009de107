"""`market_data/.../l2Book/COIN.lz4` -> one Arrow row per book level.

A line is `{"time": ISO capture time, "ver_num": 1, "raw": {"channel": "l2Book", "data":
{"coin", "time": exchange ms, "levels": [bids, asks]}}}`, each level `{"px","sz","n"}`.
Columns: `time` exchange ms (timestamp[ms, UTC]); `capture_time` the line's ISO time kept to
the nanosecond (timestamp[ns, UTC]; the file gives no zone, it is read as UTC); `coin`; `side`
"bid"/"ask"; `level` 0 = best; `px`, `sz` float64 (via `to_float`); `n` orders at the level.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Literal, overload

import pyarrow as pa

from hl_pipeline.exchange.archive.errors import BadLine
from hl_pipeline.exchange.archive.lines import LinePolicy, LineProblem, iso_to_ns, iter_lz4_lines, source_name
from hl_pipeline.exchange.parsing import to_float

KNOWN_VERSIONS = (1,)
L2_SCHEMA = pa.schema(
    [
        pa.field("time", pa.timestamp("ms", tz="UTC"), nullable=False),
        pa.field("capture_time", pa.timestamp("ns", tz="UTC"), nullable=False),
        pa.field("coin", pa.string(), nullable=False),
        pa.field("side", pa.string(), nullable=False),
        pa.field("level", pa.int16(), nullable=False),
        pa.field("px", pa.float64(), nullable=False),
        pa.field("sz", pa.float64(), nullable=False),
        pa.field("n", pa.int32(), nullable=False),
    ]
)


def _field(obj: object, key: str, what: str) -> object:
    if not isinstance(obj, dict):
        raise LineProblem(f"{what} should be a JSON object, got {type(obj).__name__}")
    if key not in obj:
        raise LineProblem(f"{what} lacks {key!r}")
    return obj[key]


def parse_l2_line(text: bytes, coin: str) -> tuple[int, int, list[list[tuple[float, float, int]]]]:
    """One line -> (exchange ms, capture ns, [bids, asks] as (px, sz, n)); LineProblem if bad."""
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise LineProblem(f"not JSON: {exc}") from None
    capture = iso_to_ns(_field(obj, "time", "line"))
    version = _field(obj, "ver_num", "line")
    if version not in KNOWN_VERSIONS:
        raise LineProblem(f"unknown ver_num {version!r}")
    raw = _field(obj, "raw", "line")
    channel = _field(raw, "channel", "raw")
    if channel != "l2Book":
        raise LineProblem(f"raw.channel should be 'l2Book', got {channel!r}")
    data = _field(raw, "data", "raw")
    data_coin = _field(data, "coin", "raw.data")
    if data_coin != coin:
        raise LineProblem(f"raw.data.coin is {data_coin!r}, expected {coin!r}")
    time = _field(data, "time", "raw.data")
    if type(time) is not int:
        raise LineProblem(f"raw.data.time should be integer ms, got {time!r}")
    levels = _field(data, "levels", "raw.data")
    if not isinstance(levels, list) or len(levels) != 2 or not all(isinstance(s, list) for s in levels):
        raise LineProblem("raw.data.levels should be [bids, asks]")
    sides = []
    for name, side in zip(("bids", "asks"), levels):
        parsed = []
        for i, lvl in enumerate(side):
            what = f"{name}[{i}]"
            try:
                px, sz = to_float(_field(lvl, "px", what)), to_float(_field(lvl, "sz", what))
            except ValueError as exc:
                raise LineProblem(f"{what}: {exc}") from None
            n = _field(lvl, "n", what)
            if type(n) is not int:
                raise LineProblem(f"{what}.n should be an integer, got {n!r}")
            parsed.append((px, sz, n))
        sides.append(parsed)
    return time, capture, sides


@overload
def read_l2_snapshots(
    stream: BinaryIO, coin: str, *, source: str | None = None, on_error: Literal["raise"] = "raise"
) -> pa.Table: ...
@overload
def read_l2_snapshots(
    stream: BinaryIO, coin: str, *, source: str | None = None, on_error: Literal["record"]
) -> tuple[pa.Table, list[BadLine]]: ...
@overload
def read_l2_snapshots(
    stream: BinaryIO, coin: str, *, source: str | None = None, on_error: str = "raise"
) -> pa.Table | tuple[pa.Table, list[BadLine]]: ...
def read_l2_snapshots(
    stream: BinaryIO, coin: str, *, source: str | None = None, on_error: str = "raise"
) -> pa.Table | tuple[pa.Table, list[BadLine]]:
    """Stream an l2Book archive file into a table (L2_SCHEMA), rows in file order, bids first.

    on_error="raise" (default) returns the table and raises ArchiveFormatError at the first bad
    line; on_error="record" returns (table, [BadLine...]) with every bad line listed.
    """
    policy = LinePolicy(source_name(stream, source), on_error)
    cols: dict[str, list[Any]] = {
        name: [] for name in ("time", "capture_time", "side", "level", "px", "sz", "n")
    }
    for number, text in iter_lz4_lines(stream):
        try:
            time, capture, sides = parse_l2_line(text, coin)
        except LineProblem as exc:
            policy.fail(number, str(exc), text)
            continue
        for side_name, side in zip(("bid", "ask"), sides):
            count = len(side)
            cols["time"] += [time] * count
            cols["capture_time"] += [capture] * count
            cols["side"] += [side_name] * count
            cols["level"] += range(count)
            for px, sz, n in side:
                cols["px"].append(px)
                cols["sz"].append(sz)
                cols["n"].append(n)
    rows = len(cols["time"])
    arrays = [
        pa.array(cols["time"], pa.int64()).cast(L2_SCHEMA.field("time").type),
        pa.array(cols["capture_time"], pa.int64()).cast(L2_SCHEMA.field("capture_time").type),
        pa.array([coin] * rows, pa.string()),
        pa.array(cols["side"], pa.string()),
        pa.array(cols["level"], pa.int16()),
        pa.array(cols["px"], pa.float64()),
        pa.array(cols["sz"], pa.float64()),
        pa.array(cols["n"], pa.int32()),
    ]
    return policy.result(pa.Table.from_arrays(arrays, schema=L2_SCHEMA))
