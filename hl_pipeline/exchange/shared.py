"""One client per process and setting, so every caller shares one rate limiter and its stats."""

from __future__ import annotations

import functools

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.networks import resolve_base_url


@functools.cache
def client_for(*, api_url: str, rate_limit: bool, retained_candles: int) -> InfoClient:
    """The client for `api_url` ("mainnet", "testnet" or a URL); `retained_candles` 0 means unlimited."""
    return InfoClient(
        resolve_base_url(api_url), rate_limit=rate_limit, retained_candles=retained_candles or None
    )
