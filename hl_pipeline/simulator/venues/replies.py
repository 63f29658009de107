"""JSON replies and query parsing shared by the venues."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web


def reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(payload), status=status, content_type="application/json", headers=headers
    )


def integer(query: Any, name: str, default: int | None = None) -> int | None:
    """An integer query parameter, or `default` when absent; a malformed one raises ValueError."""
    text = query.get(name)
    return default if text in (None, "") else int(text)


def bounded(start: int | None, end: int | None, limit: int, step: int, now: int) -> tuple[int, int]:
    """First and last open time [a, b] of up to `limit` rows of `step` as Binance and Bybit pick them."""
    last = (now // step) * step - step  # the last closed row
    if start is not None:
        a = -(-start // step) * step
        b = min(last, (end // step) * step if end is not None else last, a + (limit - 1) * step)
    else:
        b = min(last, (end // step) * step) if end is not None else last
        a = b - (limit - 1) * step
    return a, b
