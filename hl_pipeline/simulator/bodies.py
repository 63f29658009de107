"""Validating info request bodies the way the real server's deserializer does."""

from __future__ import annotations

import re
from typing import Any, Literal, overload

from hl_pipeline.exchange.intervals import INTERVALS

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_CLOID = re.compile(r"^0x[0-9a-fA-F]{32}$")


class BadRequest(ValueError):
    """A body that does not deserialize into the request type (HTTP 422)."""


def _get(body: dict, name: str, kind: type | tuple, required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(f"missing field `{name}`")
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadRequest(f"invalid type for field `{name}`")
    return value


def coin(body: dict) -> str:
    """The `coin` field."""
    return _get(body, "coin", str)


@overload
def time_ms(body: dict, name: str, required: Literal[True] = True) -> int: ...
@overload
def time_ms(body: dict, name: str, required: bool) -> int | None: ...
def time_ms(body: dict, name: str, required: bool = True) -> int | None:
    """A millisecond timestamp field (unsigned integer)."""
    value = _get(body, name, int, required)
    if value is not None and value < 0:
        raise BadRequest(f"invalid value for field `{name}`: expected u64")
    return value


def user(body: dict) -> str:
    """The `user` field: a 20-byte hex address."""
    value = _get(body, "user", str)
    if not _ADDRESS.match(value):
        raise BadRequest("invalid value for field `user`: expected 20-byte hex address")
    return value


def candle_req(body: dict) -> tuple[str, str, int, int | None]:
    """The nested `req` of candleSnapshot: coin, interval, startTime, endTime (may be absent: now)."""
    req = _get(body, "req", dict)
    interval = _get(req, "interval", str)
    if interval not in INTERVALS:
        raise BadRequest(f"unknown variant `{interval}` for field `interval`")
    return coin(req), interval, time_ms(req, "startTime"), time_ms(req, "endTime", required=False)


def book_params(body: dict) -> tuple[int | None, int | None]:
    """`nSigFigs` in 2..5 and `mantissa` in 1, 2, 5 (only with nSigFigs 5)."""
    sig, mantissa = _get(body, "nSigFigs", int, False), _get(body, "mantissa", int, False)
    if sig is not None and sig not in (2, 3, 4, 5):
        raise BadRequest("invalid value for field `nSigFigs`")
    if mantissa is not None and (sig != 5 or mantissa not in (1, 2, 5)):
        raise BadRequest("invalid value for field `mantissa`")
    return sig, mantissa


def flag(body: dict, name: str) -> bool:
    """An optional boolean field (false when absent)."""
    return bool(_get(body, name, bool, False))


def address(body: dict, name: str) -> str:
    """A required 20-byte hex address field other than `user`."""
    value = _get(body, name, str)
    if not _ADDRESS.match(value):
        raise BadRequest(f"invalid value for field `{name}`: expected 20-byte hex address")
    return value


def oid(body: dict) -> int | str:
    """`oid` of orderStatus: an order id, or a 16-byte hex client order id."""
    value = _get(body, "oid", (int, str))
    if isinstance(value, bool) or (isinstance(value, int) and value < 0):
        raise BadRequest("invalid value for field `oid`")
    if isinstance(value, str) and not _CLOID.match(value):
        raise BadRequest("invalid value for field `oid`: expected u64 or 16-byte hex cloid")
    return value


def token_id(body: dict) -> str:
    """`tokenId` of tokenDetails: a 16-byte hex id."""
    value = _get(body, "tokenId", str)
    if not _CLOID.match(value):
        raise BadRequest("invalid value for field `tokenId`: expected 16-byte hex")
    return value
