"""Errors raised by the Hyperliquid client; each names what was asked and what went wrong."""

from __future__ import annotations

import difflib
import ipaddress
import json
from collections.abc import Iterable
from urllib.parse import urlparse

_EXCERPT = 300


def excerpt(value: object, limit: int = _EXCERPT) -> str:
    """A short printable rendering of a request or response body."""
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value[: limit + 1]).decode("utf-8", "replace")
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, separators=(",", ":"))[: limit + 1]
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


class ExchangeError(Exception):
    """Base of every error the exchange client raises."""


class MalformedResponseError(ExchangeError):
    """The response is not what the request type promises (bad JSON, missing key, bad decimal...)."""

    def __init__(self, request: dict, problem: str, response: object = None):
        self.request = request
        self.request_type = request.get("type", "?") if isinstance(request, dict) else "?"
        self.problem = problem
        message = f"malformed {self.request_type} response to {excerpt(request)}: {problem}"
        if response is not None:
            message += f"; response began {excerpt(response, 200)}"
        super().__init__(message)


class RateLimitedError(ExchangeError):
    """HTTP 429 persisted beyond the retry budget."""


class ServerError(ExchangeError):
    """HTTP 5xx persisted beyond the retry budget."""


class ExchangeUnreachableError(ExchangeError):
    """Timeouts or connection failures persisted beyond the retry budget."""


_LOCAL_HOSTS = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(url: str) -> bool:
    """True if `url`'s host is this machine's loopback (localhost, 127.0.0.0/8, ::1)."""
    host = (urlparse(url).hostname or "").lower()
    if host in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unreachable_hint(url: str) -> str:
    """What to do when `url` cannot be reached: on loopback, how to start the simulator."""
    if not is_loopback(url):
        return ""
    port = urlparse(url).port
    serve = "hl-pipeline simulator serve" + (f" --port {port}" if port else "")
    return (
        f"; is the simulator running? Start it with `{serve}`, "
        "or run the pipeline from the Dagster UI with `make dev`, which starts one beside it"
    )


class RequestRejectedError(ExchangeError):
    """The server refused the request (4xx other than 429); not retried."""

    def __init__(self, request: dict, status: int, text: str):
        self.request, self.status, self.text = request, status, text
        super().__init__(
            f"{request.get('type', '?')} request {excerpt(request)} rejected with HTTP {status}: "
            f"{excerpt(text)}"
        )


def _suggest(value: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    close = difflib.get_close_matches(value, choices, n=3, cutoff=0.5)
    if not close:  # case slips (kpepe -> kPEPE) are the commonest typo
        close = [c for c in choices if c.lower() == str(value).lower()]
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


class UnknownCoinError(ExchangeError, ValueError):
    """A coin that is not in the exchange's universe."""

    def __init__(self, coin: str, universe: Iterable[str], listed: str = "perps"):
        universe = list(universe)
        self.coin = coin
        super().__init__(
            f"unknown coin {coin!r}: not among the {len(universe)} listed {listed}{_suggest(coin, universe)}"
        )


class UnknownIntervalError(ExchangeError, ValueError):
    """A candle interval Hyperliquid does not serve."""

    def __init__(self, interval: str, intervals: Iterable[str]):
        intervals = list(intervals)
        self.interval = interval
        super().__init__(
            f"unknown interval {interval!r}{_suggest(interval, intervals)} (served: {', '.join(intervals)})"
        )
