"""POST /info with a weight budget, retries (exponential backoff, full jitter) and counters."""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import requests

from hl_pipeline.exchange.errors import (
    ExchangeError,
    ExchangeUnreachableError,
    MalformedResponseError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    excerpt,
    unreachable_hint,
)
from hl_pipeline.exchange.limiter import NoLimiter, WeightLimiter, limiter_for
from hl_pipeline.exchange.stats import ClientStats
from hl_pipeline.exchange.weights import base_weight, item_weight, request_weight

log = logging.getLogger("hl_pipeline.exchange")
T = TypeVar("T")
_HEADERS = {"Content-Type": "application/json"}


_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>: ")


def _describe(exc: requests.RequestException) -> str:
    """A timeout or connection failure in one line: urllib3's innermost reason, without object reprs."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None  # urllib3's MaxRetryError
    text = str(reason) if reason is not None else str(exc)
    return f"{type(exc).__name__}: {_OBJECT_REPR.sub('', text)}"


BytesParser = Callable[[bytes, int], "tuple[T, int] | None"]
"""(response body, received ms) -> (value, item count), or None: parse the decoded JSON instead."""


@dataclass(frozen=True)
class _Parsed(Generic[T]):
    value: T


@dataclass(frozen=True)
class _Retryable:
    error: ExchangeError


class InfoTransport:
    """Sends info requests; retries 429, 5xx, timeouts, dropped connections and bad JSON."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_retries: int = 6,
        backoff_base: float = 0.25,
        backoff_cap: float = 8.0,
        rate_limit: bool = True,
        limiter: WeightLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ):
        if max_retries < 0 or timeout <= 0 or backoff_base < 0 or backoff_cap < 0:
            raise ValueError(
                f"bad retry settings: timeout={timeout}, max_retries={max_retries}, "
                f"backoff_base={backoff_base}, backoff_cap={backoff_cap}"
            )
        self.url = base_url.rstrip("/") + "/info"
        self.timeout, self.max_retries = timeout, max_retries
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.limiter = limiter or (limiter_for(base_url) if rate_limit else NoLimiter())
        self.stats = ClientStats()
        self._sleep, self._rng = sleep, rng
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        """One keep-alive session per thread (requests.Session is not thread-safe)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers.update(_HEADERS)
        return session

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        return self._rng() * min(self.backoff_cap, self.backoff_base * 2**attempt)

    def call(
        self,
        body: dict,
        parse: Callable[[Any, int], T],
        expected_items: int = 0,
        parse_bytes: BytesParser[T] | None = None,
    ) -> T:
        """POST `body`, parse the JSON with `parse(data, received_ms)`; retried as a whole.

        `parse_bytes(content, received_ms)`, when given, is tried first on a 200 response: it
        returns (value, item count) for a body it reads exactly as `parse(json.loads(content))`
        would, or None to leave the body to `json.loads` and `parse`."""
        rtype = body["type"]
        payload = json.dumps(body, separators=(",", ":")).encode()
        attempts = self.max_retries + 1
        last: ExchangeError | None = None
        for attempt in range(attempts):
            if attempt:
                delay = self.backoff(attempt - 1)
                log.debug("retrying %s in %.3fs after: %s", rtype, delay, last)
                self._sleep(delay)
            outcome = self._attempt(
                body, rtype, payload, parse, expected_items, retry=attempt > 0, parse_bytes=parse_bytes
            )
            if isinstance(outcome, _Parsed):
                return outcome.value
            last = outcome.error
        assert last is not None  # attempts >= 1 and every failed attempt sets it
        if isinstance(last, MalformedResponseError):
            last.add_note(f"gave up after {attempts} attempts")
            raise last
        hint = unreachable_hint(self.url) if isinstance(last, ExchangeUnreachableError) else ""
        raise type(last)(
            f"{rtype} request {excerpt(body)} to {self.url} failed after {attempts} attempts; "
            f"last: {last}{hint}"
        ) from last

    def _attempt(
        self,
        body: dict,
        rtype: str,
        payload: bytes,
        parse: Callable[[Any, int], T],
        expected_items: int,
        retry: bool,
        parse_bytes: BytesParser[T] | None = None,
    ) -> _Parsed[T] | _Retryable:
        """One POST: the parsed value, or the error that makes it worth another attempt."""
        base = base_weight(rtype)
        reserved = base + item_weight(rtype, expected_items)
        waited = self.limiter.reserve(reserved)
        started = time.perf_counter()
        try:
            response = self.session.post(self.url, data=payload, timeout=self.timeout)
            content = response.content  # a body cut short raises here (ChunkedEncodingError)
        except requests.RequestException as exc:
            self.limiter.settle(reserved, base)
            self.stats.record(rtype, base, retry=retry, waited=waited)
            log.debug("info %s: %s after %.3fs", rtype, type(exc).__name__, time.perf_counter() - started)
            return _Retryable(ExchangeUnreachableError(_describe(exc)))
        received_ms = time.time_ns() // 1_000_000
        status = response.status_code
        log.debug(
            "info %s -> HTTP %d, %d bytes in %.3fs (reserved weight %d, waited %.3fs)",
            rtype,
            status,
            len(content),
            time.perf_counter() - started,
            reserved,
            waited,
        )
        if status == 429:
            self.limiter.settle(reserved, base)
            self.limiter.penalize()
            self.stats.record(rtype, base, retry=retry, rate_limited=True, waited=waited)
            return _Retryable(RateLimitedError(f"HTTP 429: {excerpt(content)}"))
        if status != 200:
            self.limiter.settle(reserved, base)
            self.stats.record(rtype, base, retry=retry, waited=waited)
            if status >= 500:
                return _Retryable(ServerError(f"HTTP {status}: {excerpt(content)}"))
            raise RequestRejectedError(body, status, content.decode("utf-8", "replace"))
        fast = parse_bytes(content, received_ms) if parse_bytes is not None else None
        if fast is not None:
            value, items = fast
            actual = request_weight(rtype, items)
            self.limiter.settle(reserved, actual)
            self.stats.record(rtype, actual, retry=retry, waited=waited)
            return _Parsed(value)
        try:
            data = json.loads(content)
        except ValueError as exc:
            self.limiter.settle(reserved, base)
            self.stats.record(rtype, base, retry=retry, waited=waited)
            return _Retryable(MalformedResponseError(body, f"invalid JSON ({exc})", content))
        actual = request_weight(rtype, len(data) if isinstance(data, list) else 0)
        self.limiter.settle(reserved, actual)
        self.stats.record(rtype, actual, retry=retry, waited=waited)
        try:
            return _Parsed(parse(data, received_ms))
        except MalformedResponseError as exc:
            return _Retryable(exc)
