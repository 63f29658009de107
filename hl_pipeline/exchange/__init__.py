"""Hyperliquid client: REST info, rate limiting, payload parsing (no Dagster imports).

Public names are re-exported lazily, so importing `hl_pipeline.exchange.intervals` (as the
simulator and settings do) does not pull in requests and the parsers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hl_pipeline.exchange.client import InfoClient
    from hl_pipeline.exchange.errors import (
        ExchangeError,
        ExchangeUnreachableError,
        MalformedResponseError,
        RateLimitedError,
        RequestRejectedError,
        ServerError,
        UnknownCoinError,
        UnknownIntervalError,
    )
    from hl_pipeline.exchange.limiter import WeightLimiter, limiter_for
    from hl_pipeline.exchange.networks import NETWORKS, resolve_base_url
    from hl_pipeline.exchange.stats import ClientStats

_EXPORTS = {
    "InfoClient": "client",
    "ClientStats": "stats",
    "WeightLimiter": "limiter",
    "limiter_for": "limiter",
    "NETWORKS": "networks",
    "resolve_base_url": "networks",
    **{
        name: "errors"
        for name in (
            "ExchangeError",
            "ExchangeUnreachableError",
            "MalformedResponseError",
            "RateLimitedError",
            "RequestRejectedError",
            "ServerError",
            "UnknownCoinError",
            "UnknownIntervalError",
        )
    },
}

__all__ = [
    "NETWORKS",
    "ClientStats",
    "ExchangeError",
    "ExchangeUnreachableError",
    "InfoClient",
    "MalformedResponseError",
    "RateLimitedError",
    "RequestRejectedError",
    "ServerError",
    "UnknownCoinError",
    "UnknownIntervalError",
    "WeightLimiter",
    "limiter_for",
    "resolve_base_url",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
