"""Declarative decoding of JSON objects into frozen dataclasses that keep every key.

A field names its wire key (a dotted path reaches into nested objects) and a reader for the
value: `limit_px: Annotated[float, wire("limitPx", decimal)]`; a field with a default is optional
(absent or null -> the default). `decode` reads a record through a `Payload`, so a missing key or
bad value raises the package's MalformedResponseError naming the request and the path; keys no
field reads go into the record's `extra` mapping (under their dotted path), so a field the exchange
adds is kept, not dropped. `to_wire` turns a record back into the JSON shape it came from (numbers
as floats), which is how the tests show that nothing was dropped.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from hl_pipeline.exchange.parsing import Payload

R = TypeVar("R")
Reader = Callable[[Payload, Any, str], Any]
"""(payload, JSON value, where it sits) -> the Python value; raises through `payload.fail`."""


@dataclasses.dataclass(frozen=True)
class _Spec:
    path: tuple[str, ...]
    read: Reader


def wire(path: str, read: Reader) -> Any:
    """Annotation metadata: the field is read from `path` with `read`."""
    return _Spec(tuple(path.split(".")), read)


VARIANT_KIND = object()
"""Annotation metadata of the field naming a one-key union's variant (see `variant`)."""


# -- readers -----------------------------------------------------------------------------------


def text(p: Payload, v: Any, what: str) -> str:
    if not isinstance(v, str):
        raise p.fail(f"{what} should be a string, got {v!r}")
    return v


def integer(p: Payload, v: Any, what: str) -> int:
    return p.as_int(v, what)


def decimal(p: Payload, v: Any, what: str) -> float:
    """A decimal string (how the API sends prices, sizes and amounts)."""
    return p.decimal(v, what)


def number(p: Payload, v: Any, what: str) -> float:
    """A JSON number (a few fields, such as a vault's `apr`, are not strings)."""
    if type(v) not in (int, float):
        raise p.fail(f"{what} should be a number, got {v!r}")
    return float(v)


def flag(p: Payload, v: Any, what: str) -> bool:
    if type(v) is not bool:
        raise p.fail(f"{what} should be true or false, got {v!r}")
    return v


def side(p: Payload, v: Any, what: str) -> str:
    if v not in ("A", "B"):
        raise p.fail(f"{what} should be 'A' or 'B', got {v!r}")
    return v


def json_value(p: Payload, v: Any, what: str) -> Any:
    """Kept as decoded JSON, for open-ended parts of a response."""
    return v


def many(read: Reader) -> Reader:
    """A JSON array -> tuple, each element read with `read`."""

    def reader(p: Payload, v: Any, what: str) -> tuple:
        return tuple(read(p, x, f"{what}[{i}]") for i, x in enumerate(p.array(v, what)))

    return reader


def nested(cls: type) -> Reader:
    """A JSON object -> the record `cls`."""
    return lambda p, v, what: decode(p, cls, v, what)


def pairs(read_key: Reader, read_value: Reader) -> Reader:
    """`[[key, value], ...]` (how the API sends maps) -> dict."""

    def reader(p: Payload, v: Any, what: str) -> dict:
        out = {}
        for i, pair in enumerate(p.array(v, what)):
            w = f"{what}[{i}]"
            if not isinstance(pair, list) or len(pair) != 2:
                raise p.fail(f"{w} should be a [key, value] pair, got {pair!r}")
            out[read_key(p, pair[0], f"{w}[0]")] = read_value(p, pair[1], f"{w}[1]")
        return out

    return reader


def variant(cls: type) -> Reader:
    """A one-key object `{kind: {...}}` -> the record `cls` read from the inner object, its
    `VARIANT_KIND` field set to the key."""

    def reader(p: Payload, v: Any, what: str) -> Any:
        obj = p.obj(v, what)
        if len(obj) != 1:
            raise p.fail(f"{what} should have exactly one key naming its kind, got {sorted(obj)!r}")
        ((kind, inner),) = obj.items()
        name = _layout(cls).variant
        if name is None:
            raise TypeError(f"{cls.__name__} has no VARIANT_KIND field")
        return decode(p, cls, inner, f"{what}.{kind}", **{name: kind})

    return reader


def mapping(read_value: Reader) -> Reader:
    """A JSON object of string keys -> dict, each value read with `read_value`."""

    def reader(p: Payload, v: Any, what: str) -> dict:
        return {k: read_value(p, x, f"{what}[{k!r}]") for k, x in p.obj(v, what).items()}

    return reader


def nullable(read: Reader) -> Reader:
    """`read`, or None for a JSON null (an element of an array that may be null)."""
    return lambda p, v, what: None if v is None else read(p, v, what)


# -- decoding ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    spec: _Spec
    default: Any  # dataclasses.MISSING: required


@dataclasses.dataclass(frozen=True)
class _Layout:
    fields: list[_Field]  # the wire fields
    tree: dict  # the keys they read, nested like the JSON
    keeps_extra: bool
    variant: str | None  # the VARIANT_KIND field


@functools.cache
def _layout(cls: Any) -> _Layout:
    # the module's names only: the class body's (field defaults) must not shadow readers
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]), {}, include_extras=True)
    fields: list[_Field] = []
    tree: dict = {}
    variant = None
    for f in dataclasses.fields(cls):
        marks = getattr(hints[f.name], "__metadata__", ())
        if VARIANT_KIND in marks:
            variant = f.name
        spec = next((m for m in marks if isinstance(m, _Spec)), None)
        if spec is None:
            continue
        fields.append(_Field(f.name, spec, f.default))
        node = tree
        for key in spec.path[:-1]:
            node = node.setdefault(key, {})
        node[spec.path[-1]] = None
    return _Layout(fields, tree, any(f.name == "extra" for f in dataclasses.fields(cls)), variant)


def _leftovers(raw: dict, tree: dict, prefix: str, out: dict) -> None:
    for key, value in raw.items():
        if key not in tree:
            out[prefix + key] = value
        elif tree[key] is not None and isinstance(value, dict):
            _leftovers(value, tree[key], f"{prefix}{key}.", out)


def decode(p: Payload, cls: Callable[..., R], raw: Any, what: str, **given: Any) -> R:
    """The record `cls` read from the JSON object `raw`; `given` fills fields not on the wire."""
    layout = _layout(cls)
    obj = p.obj(raw, what)
    values: dict[str, Any] = dict(given)
    for f in layout.fields:
        spec, optional = f.spec, f.default is not dataclasses.MISSING
        node: Any = obj
        where = what
        for key in spec.path:
            node = p.obj(node, where)
            where = f"{where}.{key}"
            if key not in node:
                if not optional:
                    raise p.fail(f"{what} lacks {'.'.join(spec.path)!r}")
                node = None
                break
            node = node[key]
            if node is None:
                break
        if node is None:
            if not optional:
                raise p.fail(f"{where} is null")
            values[f.name] = f.default
        else:
            values[f.name] = spec.read(p, node, where)
    if layout.keeps_extra:
        values["extra"] = {}
        _leftovers(obj, layout.tree, "", values["extra"])
    return cls(**values)


def to_wire(value: Any) -> Any:
    """A record (or a tuple, dict or value holding records) back in its JSON shape."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        layout = _layout(type(value))
        out: dict = {}
        for f in layout.fields:
            _put(out, f.spec.path, to_wire(getattr(value, f.name)))
        if layout.keeps_extra:
            for dotted, v in value.extra.items():  # type: ignore[attr-defined]
                _put(out, tuple(dotted.split(".")), v)
        return {getattr(value, layout.variant): out} if layout.variant else out
    if isinstance(value, (tuple, list)):
        return [to_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    return value


def _put(out: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        out = out.setdefault(key, {})
    out[path[-1]] = value
