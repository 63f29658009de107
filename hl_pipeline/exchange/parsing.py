"""Strict building blocks for response parsers: typed fields, decimal strings, Arrow columns.

Prices, sizes and rates arrive as decimal strings. `to_float` (one value) and
`float_column` (a whole column, through Arrow's strict string->double cast) accept the same
texts and both reject non-numeric and non-finite values, so a bad number never reaches the lake.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.exchange.errors import MalformedResponseError

_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")


class Payload:
    """A response under inspection: knows the request, so every complaint names it."""

    __slots__ = ("body", "request")

    def __init__(self, request: dict, body: Any):
        self.request, self.body = request, body

    def fail(self, problem: str) -> MalformedResponseError:
        return MalformedResponseError(self.request, problem, self.body)

    def array(self, value: Any, what: str) -> list:
        if not isinstance(value, list):
            raise self.fail(f"{what} should be a JSON array, got {type(value).__name__}")
        return value

    def obj(self, value: Any, what: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(f"{what} should be a JSON object, got {type(value).__name__}")
        return value

    def get(self, obj: Any, key: str, what: str) -> Any:
        obj = self.obj(obj, what)
        if key not in obj:
            raise self.fail(f"{what} lacks {key!r}")
        return obj[key]

    def text(self, obj: Any, key: str, what: str) -> str:
        value = self.get(obj, key, what)
        if not isinstance(value, str):
            raise self.fail(f"{what}.{key} should be a string, got {value!r}")
        return value

    def side(self, obj: Any, what: str) -> str:
        value = self.text(obj, "side", what)
        if value not in ("A", "B"):
            raise self.fail(f"{what}.side should be 'A' or 'B', got {value!r}")
        return value

    def integer(self, obj: Any, key: str, what: str) -> int:
        return self.as_int(self.get(obj, key, what), f"{what}.{key}")

    def as_int(self, value: Any, what: str) -> int:
        if type(value) is not int:
            raise self.fail(f"{what} should be an integer, got {value!r}")
        return value

    def opt_integer(self, obj: dict, key: str, what: str) -> int | None:
        value = obj.get(key)
        return None if value is None else self.as_int(value, f"{what}.{key}")

    def flag(self, obj: Any, key: str, what: str, default: bool | None = None) -> bool:
        if default is not None and key not in self.obj(obj, what):
            return default
        value = self.get(obj, key, what)
        if type(value) is not bool:
            raise self.fail(f"{what}.{key} should be true or false, got {value!r}")
        return value

    def number(self, obj: Any, key: str, what: str) -> float:
        return self.decimal(self.get(obj, key, what), f"{what}.{key}")

    def opt_number(self, obj: dict, key: str, what: str) -> float | None:
        value = self.obj(obj, what).get(key)
        return None if value is None else self.decimal(value, f"{what}.{key}")

    def decimal(self, value: Any, what: str) -> float:
        try:
            return to_float(value)
        except ValueError as exc:
            raise self.fail(f"{what}: {exc}") from None


def to_float(text: Any) -> float:
    """A decimal string -> float; ValueError for anything not a finite decimal string."""
    if not isinstance(text, str) or not _DECIMAL.match(text):
        raise ValueError(f"expected a decimal string, got {text!r}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"decimal string {text!r} is not finite")
    return value


def column(p: Payload, rows: list, key: str, what: str, optional: bool = False) -> list:
    """One field of every row, as a Python list; a missing key or non-object row is malformed."""
    try:
        return [r.get(key) for r in rows] if optional else [r[key] for r in rows]
    except (KeyError, TypeError, AttributeError):
        for i, r in enumerate(rows):
            if not isinstance(r, dict):
                raise p.fail(f"{what}[{i}] should be a JSON object, got {type(r).__name__}") from None
            if key not in r:
                raise p.fail(f"{what}[{i}] lacks {key!r}") from None
        raise


def _first_bad(values: list, ok: Callable[[Any], bool]) -> tuple[int, Any]:
    return next((i, v) for i, v in enumerate(values) if not ok(v))


def float_column(p: Payload, values: list, field: str, what: str, nullable: bool = False) -> pa.Array:
    """Decimal strings -> float64 Array; rejects non-strings, non-numbers and non-finite values."""
    try:
        strings = pa.array(values, type=pa.string())
        doubles = pc.cast(strings, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        i, bad = _first_bad(values, lambda v: (v is None and nullable) or _is_decimal(v))
        raise p.fail(f"{what}[{i}].{field}: expected a decimal string, got {bad!r}") from None
    if doubles.null_count and not nullable:
        i, _ = _first_bad(values, lambda v: v is not None)
        raise p.fail(f"{what}[{i}].{field} is null")
    finite = pc.is_finite(doubles)
    if len(doubles) and not pc.all(finite, skip_nulls=True).as_py():
        i = pc.index(finite, False).as_py()
        raise p.fail(f"{what}[{i}].{field}: decimal string {values[i]!r} is not finite")
    return doubles


def _is_decimal(v: Any) -> bool:
    try:
        to_float(v)
        return True
    except ValueError:
        return False


def int_column(p: Payload, values: list, field: str, what: str) -> pa.Array:
    """JSON integers -> int64 Array; floats, strings, booleans and nulls are rejected."""
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = None
    if array is None or (len(values) and array.type != pa.int64()) or array.null_count:
        i, bad = _first_bad(values, lambda v: type(v) is int)
        raise p.fail(f"{what}[{i}].{field}: expected an integer, got {bad!r}")
    return array.cast(pa.int64())


def str_column(p: Payload, values: list, field: str, what: str) -> pa.Array:
    """JSON strings -> string Array; anything else (null included) is rejected."""
    try:
        array = pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = None
    if array is None or array.null_count:
        i, bad = _first_bad(values, lambda v: isinstance(v, str))
        raise p.fail(f"{what}[{i}].{field}: expected a string, got {bad!r}")
    return array
