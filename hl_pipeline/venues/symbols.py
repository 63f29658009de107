"""The one mapping between Hyperliquid coins and other venues' markets.

Hyperliquid's `k` coins trade in thousands (kPEPE is 1,000 PEPE): a venue's 1000PEPE contract has the
same price, its PEPE market a thousandth of it. Perpetuals settled in USDT or USDC are preferred, then
spot against USD, USDT or USDC."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

THOUSANDS = {
    "kPEPE": "PEPE",
    "kSHIB": "SHIB",
    "kBONK": "BONK",
    "kFLOKI": "FLOKI",
    "kLUNC": "LUNC",
    "kNEIRO": "NEIRO",
}
"""Hyperliquid coins quoted per 1,000 units of the token."""
SETTLES = ("USDT", "USDC")
SPOT_QUOTES = ("USD", "USDT", "USDC")


@dataclasses.dataclass(frozen=True)
class MappedMarket:
    """A Hyperliquid coin on one venue."""

    coin: str
    venue: str
    symbol: str
    market_id: str
    base: str
    quote: str
    type: str  # "swap" or "spot"
    contract_size: float
    price_multiplier: float  # Hyperliquid price per venue price


def bases(coin: str) -> list[tuple[str, float]]:
    """(venue base asset, Hyperliquid price per venue price) to look for, preferred first."""
    token = THOUSANDS.get(coin)
    if token is None:
        return [(coin.split(":")[-1], 1.0)]
    return [(f"1000{token}", 1.0), (token, 1000.0)]


def map_coin(venue: str, coin: str, markets: Mapping[str, Mapping[str, Any]]) -> MappedMarket | None:
    """The market of `venue` (its loaded ccxt markets) standing for `coin`, or None if it lists none."""
    for base, multiplier in bases(coin):
        for kind, quotes in (("swap", SETTLES), ("spot", SPOT_QUOTES)):
            for quote in quotes:
                symbol = f"{base}/{quote}:{quote}" if kind == "swap" else f"{base}/{quote}"
                m = markets.get(symbol)
                if m is not None and m.get("active", True) is not False:
                    return MappedMarket(
                        coin,
                        venue,
                        symbol,
                        str(m["id"]),
                        base,
                        quote,
                        kind,
                        float(m.get("contractSize") or 1.0),
                        multiplier,
                    )
    return None
