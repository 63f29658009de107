"""The simulated venues: which coins each lists, under what symbol, and how its price differs.

Every venue prices a coin from the efficient price Hyperliquid's path is (pricepath.py), shifted
by a constant basis, delayed by a lag and blurred by its own noise; its funding settles every
`funding_hours` at 8 times Hyperliquid's hourly rate plus an offset. Those numbers are the ground
truth `truth()` exports (the pipeline never reads it)."""

from __future__ import annotations

import dataclasses

from hl_pipeline.simulator.config import SimulatorConfig


@dataclasses.dataclass(frozen=True)
class Listing:
    """One coin on one venue: the venue's base asset, its price per Hyperliquid price, contract size."""

    base: str
    price_factor: float = 1.0  # venue price / Hyperliquid price (PEPE against kPEPE: 1/1000)
    contract_size: float = 1.0  # base units per contract (OKX ctVal)


@dataclasses.dataclass(frozen=True)
class VenueSpec:
    id: str
    index: int  # stream id offset of its noise
    lag_ms: int  # how far its price trails the efficient price
    basis_bps: float  # constant offset of its price from the efficient price
    noise_bps: float  # idiosyncratic noise of each 10 s sample
    funding_hours: int  # 0: no funding (spot)
    funding_offset_8h: float  # added to 8 x Hyperliquid's hourly rate
    oi_share: float  # its open interest per Hyperliquid's
    quote: str
    listings: dict[str, Listing]


def _same(coins: str, contract_sizes: dict[str, float] | None = None) -> dict[str, Listing]:
    sizes = contract_sizes or {}
    return {c: Listing(c, 1.0, sizes.get(c, 1.0)) for c in coins.split(",")}


VENUES: dict[str, VenueSpec] = {
    v.id: v
    for v in (
        VenueSpec(
            "binanceusdm",
            0,
            10_000,
            2.0,
            1.5,
            8,
            0.00002,
            1.6,
            "USDT",
            {**_same("BTC,ETH,SOL,BNB,ARB,DOGE,AVAX,LINK"), "kPEPE": Listing("1000PEPE")},
        ),
        VenueSpec(
            "bybit",
            1,
            20_000,
            -1.5,
            2.0,
            8,
            -0.00001,
            1.1,
            "USDT",
            {**_same("BTC,ETH,SOL,BNB,ARB,HYPE,DOGE,AVAX,LINK"), "kPEPE": Listing("1000PEPE")},
        ),
        VenueSpec(
            "okx",
            2,
            30_000,
            1.0,
            2.5,
            8,
            0.00001,
            0.9,
            "USDT",
            {
                **_same(
                    "BTC,ETH,SOL,BNB,ARB,HYPE,DOGE,AVAX,LINK",
                    {"BTC": 0.01, "ETH": 0.1, "BNB": 0.01, "ARB": 10.0, "HYPE": 0.1, "DOGE": 1000.0},
                ),
                "kPEPE": Listing("PEPE", 0.001, 10_000_000.0),
            },
        ),
        VenueSpec(
            "coinbaseexchange",
            3,
            60_000,
            -3.0,
            3.0,
            0,
            0.0,
            0.0,
            "USD",
            _same("BTC,ETH,SOL,ARB,DOGE,AVAX,LINK"),
        ),
    )
}
"""The venues the simulator serves, each under the path prefix /<ccxt id>/."""


def truth(config: SimulatorConfig) -> dict[str, dict]:
    """Ground truth per venue: lag, basis, noise, funding interval and spread (Hyperliquid hourly minus the
    venue normalised), open interest per Hyperliquid's."""
    hl = {c.name for c in config.coins}
    return {
        v.id: {
            "lag_ms": v.lag_ms,
            "basis_bps": v.basis_bps,
            "noise_bps": v.noise_bps,
            "funding_hours": v.funding_hours or None,
            "funding_spread_hourly": -v.funding_offset_8h / 8 if v.funding_hours else None,
            "open_interest_per_hyperliquid": v.oi_share if v.funding_hours else None,
            "listings": {c: dataclasses.asdict(listing) for c, listing in v.listings.items() if c in hl},
        }
        for v in VENUES.values()
    }
