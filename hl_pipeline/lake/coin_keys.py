"""Lake keys of coins: the `coin=` value in a partition's path, perp or spot.

A perp is filed under its own name (`BTC`, `kPEPE`, `dex:COIN`). A spot pair's exchange name is
not path-safe (`PURR/USDC`, `@107`), so it is filed under a key that is: `PURR-USDC`, `spot-107`.
Perp names never hold a `-`, so the key alone tells the market and gives the name back; the
warehouse views add both as columns (`market`, `exchange_coin`) with the SQL below.
"""

from __future__ import annotations

import re

PERP, SPOT = "perp", "spot"
_INDEXED = re.compile(r"@(\d{1,6})")
_PAIR = re.compile(r"[A-Za-z0-9]{1,20}/[A-Za-z0-9]{1,20}")
_INDEX_KEY = "spot-"


def is_spot_name(name: str) -> bool:
    """True for a spot pair as the exchange names it: `@<index>` or `BASE/QUOTE`."""
    return bool(_INDEXED.fullmatch(name) or _PAIR.fullmatch(name))


def coin_key(name: str) -> str:
    """The lake key of a coin: a perp's name as it is, `@107` -> `spot-107`, `PURR/USDC` -> `PURR-USDC`."""
    if indexed := _INDEXED.fullmatch(name):
        return f"{_INDEX_KEY}{indexed.group(1)}"
    if _PAIR.fullmatch(name):
        return name.replace("/", "-")
    return name


MARKET_SQL = f"CASE WHEN contains(coin, '-') THEN '{SPOT}' ELSE '{PERP}' END"
"""The market ("perp" or "spot") of a view's lake key `coin`, in DuckDB SQL."""
EXCHANGE_COIN_SQL = (
    f"CASE WHEN starts_with(coin, '{_INDEX_KEY}') THEN '@' || coin[{len(_INDEX_KEY) + 1}:] "
    "ELSE replace(coin, '-', '/') END"
)
"""The exchange's name of a view's lake key `coin` (the inverse of `coin_key`), in DuckDB SQL."""
