"""Hyperliquid client: REST info, rate limiting, payload parsing (no Dagster imports).

Public names are re-exported lazily, so importing `hl_pipeline.exchange.intervals` (as the
simulator and settings do) does not pull in requests and the parsers.
"""

from __future__ import annotations

import importlib

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

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
