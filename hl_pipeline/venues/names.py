"""Which venues: names checked against ccxt's exchange list, and the ones the simulator serves."""

from __future__ import annotations

from hl_pipeline.errors import ConfigError

SIMULATED = ("binanceusdm", "bybit", "okx", "coinbaseexchange")
"""The venues the simulator speaks for (hl_pipeline/simulator/venues), under /<ccxt id>/."""
ORACLE_WEIGHTS = {
    "binance": 3,
    "binanceusdm": 3,
    "okx": 2,
    "bybit": 2,
    "kraken": 1,
    "kucoin": 1,
    "gate": 1,
    "mexc": 1,
}
"""Hyperliquid's oracle weights per venue (reference/hyperliquid-api.md); other venues weigh 1."""


def check_venues(names: tuple[str, ...], variable: str = "HL_VENUES") -> tuple[str, ...]:
    """`names` if each is a ccxt exchange id, else a ConfigError naming the first that is not."""
    import ccxt  # 0.5 s: only when venues are named

    for name in names:
        if name not in ccxt.exchanges:
            close = [e for e in ccxt.exchanges if e.startswith(name[:4])][:5]
            hint = f"; similar: {', '.join(close)}" if close else ""
            raise ConfigError(f"unknown venue {name!r} in {variable}: not a ccxt exchange id{hint}")
    return names


def oracle_weight(venue: str) -> int:
    return ORACLE_WEIGHTS.get(venue, 1)
