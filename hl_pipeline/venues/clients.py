"""ccxt clients: the unmodified classes, rate limiting on, pointed at the simulator's prefix per venue
when the pipeline's API URL is not mainnet (only `urls['api']` changes)."""

from __future__ import annotations

from typing import Any

LOCAL_API = {
    "binanceusdm": {"fapiPublic": "/binanceusdm/fapi/v1", "fapiData": "/binanceusdm/futures/data"},
    "binance": {"public": "/binance/api/v3"},
    "bybit": {"public": "/bybit"},
    "okx": {"rest": "/okx"},
    "coinbaseexchange": {"public": "/coinbaseexchange"},
}
"""The `urls['api']` keys of each venue the simulator serves, as paths under its base URL."""
MARKET_TYPES = {"binanceusdm": ["linear"], "bybit": ["linear"], "okx": ["swap"], "binance": ["spot"]}
"""`options.fetchMarkets.types`: one load_markets call per venue instead of up to eleven."""


def is_remote(api_url: str) -> bool:
    """Hyperliquid's own networks mean the real venues; any URL is a simulator serving them too."""
    return api_url in ("mainnet", "testnet")


def venue_client(venue: str, api_url: str, rate_limit: bool = True, timeout_ms: int = 10_000) -> Any:
    """A ccxt client of `venue`; against a simulator at `api_url` its API URLs are the simulator's."""
    import ccxt

    config: dict[str, Any] = {"enableRateLimit": rate_limit, "timeout": timeout_ms}
    if venue in MARKET_TYPES:
        config["options"] = {"fetchMarkets": {"types": MARKET_TYPES[venue]}}
    if not is_remote(api_url):
        if venue not in LOCAL_API:
            raise ValueError(f"venue {venue!r} is not served by the simulator at {api_url}")
        base = api_url.rstrip("/")
        config["urls"] = {"api": {key: base + path for key, path in LOCAL_API[venue].items()}}
    return getattr(ccxt, venue)(config)
