"""The wallet population: kinds in blocks (market makers first, then whales, smart money, bots,
liquidation-prone accounts and retail), deterministic addresses and heavy-tailed account sizes.

Each kind plants what its definition measures (reference/wallets-and-integrity.md section 2):
market makers rest (a high maker share of many fills), whales hold $1M+ of equity and trade
large, smart money's taker orders point the way the price goes next (PnL that persists, trades.py),
bots take on a fixed clock in one coin, liquidation-prone accounts run over 10x and are liquidated
now and then, retail is everyone else.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from hl_pipeline.simulator.hashing import hash64, stream_key, uniform

DEFAULT_COUNT = 5_000
MAX_COUNT = 1 << 16  # order ids hold the wallet index in 16 bits (orders.py)
KIND_NAMES = ("market_maker", "whale", "smart_money", "bot", "liquidation_prone", "retail")
# the share of the population per kind (retail takes the rest) and the least count of each
_SHARE = {"market_maker": 0.004, "whale": 0.006, "smart_money": 0.02, "bot": 0.02, "liquidation_prone": 0.04}
_LEAST = {"market_maker": 8, "whale": 6, "smart_money": 2, "bot": 2, "liquidation_prone": 2}
# account value: a Pareto tail from a floor (tail index alpha), capped
_ACCOUNT = {
    "market_maker": (2e6, 1.5, 2e7),
    "whale": (1.2e6, 1.2, 6e7),
    "smart_money": (4e4, 1.5, 8e5),
    "bot": (5e3, 1.5, 3e5),
    "liquidation_prone": (5e2, 1.5, 2e4),
    "retail": (2e2, 1.1, 6e5),
}
POSITION_LEVERAGE = {  # typical drawn position notional per dollar of account, in each coin (positions.py)
    "market_maker": 0.01,
    "whale": 0.4,
    "smart_money": 3.0,
    "bot": 0.2,
    "liquidation_prone": 2.5,
    "retail": 0.6,
}
TAKER_WEIGHT = {  # chance of being the taker of a trade, per wallet of the kind
    "market_maker": 30.0,
    "whale": 12.0,
    "smart_money": 2.0,
    "bot": 0.0,  # bots take on their clock only (trades.py)
    "liquidation_prone": 2.0,
    "retail": 1.0,
}
MAKER_WEIGHT = {"market_maker": 0.0, "whale": 4.0, "smart_money": 1.0, "bot": 0.0, "liquidation_prone": 0.5}


@dataclasses.dataclass(frozen=True, eq=False)
class Wallets:
    """Addresses (lowercase hex), kinds, account sizes (USDC) and the cumulative weights for drawing
    takers and non-market-maker makers; market makers are the first `n_makers`."""

    addresses: tuple[str, ...]
    kinds: tuple[str, ...]
    account_usd: np.ndarray
    taker_cdf: np.ndarray
    maker_cdf: np.ndarray
    n_makers: int
    bots: np.ndarray  # population indices of the bots

    def __post_init__(self) -> None:
        object.__setattr__(self, "_where", {a: i for i, a in enumerate(self.addresses)})
        blocks = {
            k: range(self.kinds.index(k), self.kinds.index(k) + self.kinds.count(k)) for k in set(self.kinds)
        }
        object.__setattr__(self, "_blocks", blocks)

    def index(self, address: str) -> int | None:
        """Position of an address in the population, or None."""
        where: dict[str, int] = self.__dict__["_where"]
        return where.get(address.lower())

    def of_kind(self, kind: str) -> range:
        """Population indices of a kind (kinds sit in blocks)."""
        blocks: dict[str, range] = self.__dict__["_blocks"]
        return blocks.get(kind, range(0))

    def position_usd(self, wallet: int) -> float:
        """Typical notional of the wallet's drawn positions."""
        return float(self.account_usd[wallet]) * POSITION_LEVERAGE[self.kinds[wallet]]


def counts(total: int) -> dict[str, int]:
    """Wallets per kind for a population size."""
    if not sum(_LEAST.values()) + 1 <= total <= MAX_COUNT:
        raise ValueError(f"wallet count {total} out of range {sum(_LEAST.values()) + 1}..{MAX_COUNT}")
    out = {k: max(_LEAST[k], round(total * share)) for k, share in _SHARE.items()}
    out["retail"] = total - sum(out.values())
    return out


def _accounts(seed: int, kinds: tuple[str, ...]) -> np.ndarray:
    u = uniform(stream_key(seed, 11), np.arange(len(kinds)))
    floor, alpha, cap = (np.asarray([_ACCOUNT[k][j] for k in kinds]) for j in range(3))
    return np.minimum(floor * (1.0 - u) ** (-1.0 / alpha), cap)


@lru_cache(maxsize=16)
def wallets(seed: int, count: int = DEFAULT_COUNT) -> Wallets:
    """The population for a seed: `count` wallets, the market makers first."""
    kinds = tuple(k for k, n in counts(count).items() for _ in range(n))
    kinds = tuple(sorted(kinds, key=KIND_NAMES.index))
    words = hash64(stream_key(seed, 9), np.arange(len(kinds) * 3)).reshape(-1, 3)
    addresses = tuple("0x" + "".join(f"{int(w):016x}" for w in row)[:40] for row in words)
    account = _accounts(seed, kinds)
    scale = np.sqrt(account / np.asarray([_ACCOUNT[k][0] for k in kinds]))  # bigger accounts trade more
    taker = np.asarray([TAKER_WEIGHT[k] for k in kinds]) * scale
    maker = np.asarray([MAKER_WEIGHT.get(k, 1.0) for k in kinds]) * scale
    return Wallets(
        addresses,
        kinds,
        account,
        np.cumsum(taker) / taker.sum(),
        np.cumsum(maker) / maker.sum(),
        kinds.count("market_maker"),
        np.asarray([i for i, k in enumerate(kinds) if k == "bot"], dtype=np.int64),
    )


def truth(seed: int, count: int = DEFAULT_COUNT) -> dict[str, dict]:
    """Ground truth per address: the planted kind and account size (never read by the pipeline)."""
    wal = wallets(seed, count)
    return {
        a: {"kind": k, "account_usd": round(float(v), 2)}
        for a, k, v in zip(wal.addresses, wal.kinds, wal.account_usd)
    }
