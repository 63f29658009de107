"""The wallet population: market makers, whales and retail, with deterministic addresses."""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from hl_pipeline.simulator.hashing import hash64, stream_key

KINDS = ("market_maker",) * 8 + ("whale",) * 6 + ("retail",) * 46
TAKER_WEIGHT = {"market_maker": 0.5, "whale": 3.0, "retail": 1.0}
ACCOUNT_USD = {"market_maker": 2_000_000.0, "whale": 5_000_000.0, "retail": 25_000.0}
POSITION_USD = {"market_maker": 20_000.0, "whale": 250_000.0, "retail": 2_000.0}


@dataclasses.dataclass(frozen=True)
class Wallets:
    """Addresses (lowercase hex), kinds, and the cumulative taker weights for drawing."""

    addresses: tuple[str, ...]
    kinds: tuple[str, ...]
    taker_cdf: np.ndarray
    n_makers: int

    def index(self, address: str) -> int | None:
        """Position of an address in the population, or None."""
        try:
            return self.addresses.index(address.lower())
        except ValueError:
            return None


@lru_cache(maxsize=16)
def wallets(seed: int) -> Wallets:
    """The population for a seed (60 wallets; the first 8 are market makers)."""
    key = stream_key(seed, 9)
    words = hash64(key, np.arange(len(KINDS) * 3)).reshape(-1, 3)
    addresses = tuple("0x" + "".join(f"{int(w):016x}" for w in row)[:40] for row in words)
    weights = np.asarray([TAKER_WEIGHT[k] for k in KINDS])
    return Wallets(addresses, KINDS, np.cumsum(weights) / weights.sum(), KINDS.count("market_maker"))
