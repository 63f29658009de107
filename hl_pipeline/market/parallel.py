"""Ingesting coins side by side: while one coin's page is served, another's is parsed and written.

The client's rate limiter is shared and thread-safe, so concurrency never spends more than
the exchange's weight budget; two workers keep both cores of a small machine busy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
WORKERS = 2


def for_each_coin(ingest: Callable[[str], list[T]], coins: Sequence[str], workers: int = WORKERS) -> list[T]:
    """`ingest(coin)` for every coin, results flattened in coin order; the first error propagates."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
        return [item for result in pool.map(ingest, coins) for item in result]
