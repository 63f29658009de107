"""Where the info API lives: one setting picks mainnet, testnet or any URL (the simulator)."""

from __future__ import annotations

from urllib.parse import urlparse

NETWORKS: dict[str, str] = {
    "mainnet": "https://api.hyperliquid.xyz",
    "testnet": "https://api.hyperliquid-testnet.xyz",
}


def resolve_base_url(name_or_url: str) -> str:
    """ "mainnet", "testnet" or an http(s) URL -> the base URL (no trailing slash)."""
    text = (name_or_url or "").strip()
    if text.lower() in NETWORKS:
        return NETWORKS[text.lower()]
    parsed = urlparse(text)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return text.rstrip("/")
    raise ValueError(
        f"unknown network {name_or_url!r}: expected 'mainnet', 'testnet' or an http(s) URL such as http://127.0.0.1:8787"
    )
