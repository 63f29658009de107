"""Wallet features from the tracked wallets' fills and their kinds, read as of the bar's close.

A fill is known at its exchange time (node fills and ``userFillsByTime`` carry no receive time; a
fill is public once its block is), so a bar reads the fills with time < its close. A wallet's kind
comes from the newest wallet profile whose window ended by the start of the bar's UTC day, and at
most WALLET_CLASS_MAX_AGE_MS before it: profiles of earlier days only, since a profile of the same
day reads fills after the bar. A wallet's position is the start position plus the signed size of
its last fill, counted while that fill is at most WALLET_POSITION_MAX_AGE_MS old. Missing: no fill
of any tracked wallet in the coin within WALLET_FILLS_MAX_SILENCE_MS before the close
(``wallet_fills_missing``), or no such profile (``wallet_classes_missing``); never zero.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.ml.features.bars import CoinBars
from hl_pipeline.ml.features.catalog import (
    WALLET_CLASS_MAX_AGE_MS,
    WALLET_FILLS_MAX_SILENCE_MS,
    WALLET_POSITION_MAX_AGE_MS,
)

WHALE, SMART_MONEY, MARKET_MAKER = "whale", "smart_money", "market_maker"


def profile_times(bars: CoinBars) -> np.ndarray:
    """Per bar: the end time of the profile its kinds come from, -1 where there is none."""
    ends = np.unique(bars.wallet_classes["time"].to_numpy(dtype=np.int64))
    day_start = bars.times // DAY_MS * DAY_MS
    pos = np.searchsorted(ends, day_start, side="right") - 1
    chosen = np.where(pos >= 0, ends[np.maximum(pos, 0)] if len(ends) else -1, -1)
    return np.where((chosen >= 0) & (day_start - chosen <= WALLET_CLASS_MAX_AGE_MS), chosen, -1)


def _liquidated(fills: pd.DataFrame) -> np.ndarray:
    """Per fill: the wallet itself was liquidated (``liquidation.liquidatedUser`` is the wallet)."""
    victims = [
        None if s is None or s != s else json.loads(s).get("liquidatedUser") for s in fills["liquidation"]
    ]
    return np.asarray(victims, dtype=object) == fills["user"].to_numpy(dtype=object)


def _net_position(fills: pd.DataFrame, at: np.ndarray) -> np.ndarray:
    """At each time in `at`: the summed position after each wallet's last fill before it, counting a
    wallet only while that fill is at most WALLET_POSITION_MAX_AGE_MS old."""
    fills = fills.sort_values(["user", "time"], kind="stable")
    t = fills["time"].to_numpy(dtype=np.int64)
    signed = np.where(fills["side"].to_numpy() == "B", 1.0, -1.0) * fills["sz"].to_numpy(dtype=float)
    after = fills["start_position"].to_numpy(dtype=float) + signed
    user = fills["user"].to_numpy(dtype=object)
    later = np.r_[user[1:] == user[:-1], False]  # the next row is the same wallet's next fill
    nxt = np.where(later, np.r_[t[1:], 0], np.iinfo(np.int64).max)
    end = np.minimum(nxt, t + WALLET_POSITION_MAX_AGE_MS)  # active for closes c with t < c <= end
    by_start, by_end = np.argsort(t, kind="stable"), np.argsort(end, kind="stable")
    started = np.r_[0.0, np.cumsum(after[by_start])][np.searchsorted(t[by_start], at, side="left")]
    ended = np.r_[0.0, np.cumsum(after[by_end])][np.searchsorted(end[by_end], at, side="left")]
    return started - ended


def _kinds(profile: pd.DataFrame, users: np.ndarray) -> np.ndarray:
    """The kind of each of `users` in one profile ("" where it is not profiled)."""
    profile = profile.drop_duplicates("user", keep="last")
    where = pd.Index(profile["user"]).get_indexer(users)
    kinds = profile["kind"].to_numpy(dtype=object)
    return np.where(where >= 0, kinds[np.maximum(where, 0)], "") if len(kinds) else np.full(len(users), "")


def _values(bars: CoinBars) -> dict[str, np.ndarray]:
    if "wallets" in bars.cache:
        return bars.cache["wallets"]
    n, at = len(bars.times), bars.closes_at
    fills, classes = bars.wallet_fills, bars.wallet_classes
    t = fills["time"].to_numpy(dtype=np.int64)
    order = np.sort(t)
    recent = np.searchsorted(order, at, side="left") - np.searchsorted(
        order, at - WALLET_FILLS_MAX_SILENCE_MS, side="left"
    )
    bucket = (t - bars.times[0]) // bars.bar_ms if n else t
    inside = (bucket >= 0) & (bucket < n)
    signed = np.where(fills["side"].to_numpy() == "B", 1.0, -1.0) * fills["sz"].to_numpy(dtype=float)
    sz = fills["sz"].to_numpy(dtype=float)
    liquidated = _liquidated(fills) & inside if len(fills) else np.zeros(0, bool)
    out = {
        "fills_missing": recent == 0,
        "classes_missing": (source := profile_times(bars)) < 0,
        "liquidation_volume": np.bincount(bucket[liquidated], sz[liquidated], n),
        "whale_net_flow": np.full(n, np.nan),
        "smart_money_net_position": np.full(n, np.nan),
        "mm_inventory": np.full(n, np.nan),
    }
    codes, users = pd.factorize(fills["user"].to_numpy(dtype=object))
    for end in np.unique(source[source >= 0]):
        bars_here = source == end
        kind = _kinds(classes[classes["time"].to_numpy(dtype=np.int64) == end], users)[codes]
        whale = inside & (kind == WHALE)
        flow = np.bincount(bucket[whale], signed[whale], n)
        out["whale_net_flow"][bars_here] = flow[bars_here]
        near = (t >= at[bars_here].min() - WALLET_POSITION_MAX_AGE_MS) & (t < at[bars_here].max())
        for name, wanted in (("smart_money_net_position", SMART_MONEY), ("mm_inventory", MARKET_MAKER)):
            out[name][bars_here] = _net_position(fills[near & (kind == wanted)], at[bars_here])
    bars.cache["wallets"] = out
    return out


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    v = _values(bars)
    gone = v["fills_missing"]
    return {
        "whale_net_flow": np.where(gone, np.nan, v["whale_net_flow"]),
        "smart_money_net_position": np.where(gone, np.nan, v["smart_money_net_position"]),
        "mm_inventory": np.where(gone, np.nan, v["mm_inventory"]),
        "liquidation_volume": np.where(gone, np.nan, v["liquidation_volume"]),
    }


def missing(bars: CoinBars) -> dict[str, np.ndarray]:
    v = _values(bars)
    return {"wallet_fills_missing": v["fills_missing"], "wallet_classes_missing": v["classes_missing"]}
