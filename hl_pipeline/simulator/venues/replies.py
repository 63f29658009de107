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


def window(since: int | None, until: int | None, now: int, span_ms: int) -> tuple[int, int]:
    """[start, end] a venue answers: bounded by the request and by now; without bounds the latest span."""
    end = min(until if until is not None else now, now)
    start = since if since is not None else end - span_ms
    return start, end
