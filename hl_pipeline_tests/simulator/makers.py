"""Market makers' inventory on the simulator's tape: the measure the population test and bench share."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.simulator.trades import Trades


def hour_end_inventory_ratios(t: Trades, n_makers: int) -> list[float]:
    """Per market maker (the first `n_makers` wallets) with fills on the tape: the mean |inventory
    in lots| at the end of each hour it made a trade, over its mean lots made an hour."""
    maker = np.where(t.buy, t.seller, t.buyer)
    gives = np.where(t.buy, -t.lots, t.lots)  # a taker buy sells from the maker's inventory
    hour = t.time // HOUR_MS
    ratios = []
    for w in range(n_makers):
        mine = maker == w
        if not mine.any():
            continue
        ends = np.searchsorted(hour[mine], np.unique(hour[mine]), side="right") - 1
        inventory = np.cumsum(gives[mine])[ends]
        ratios.append(float(np.abs(inventory).mean() / (t.lots[mine].sum() / len(ends))))
    return ratios


def maker_share(t: Trades, n_makers: int) -> float:
    """The share of trades a market maker made."""
    return float(np.mean(np.where(t.buy, t.seller, t.buyer) < n_makers))
