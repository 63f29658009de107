"""Traded notional per wallet and UTC day, split taker (cross) and maker (add), from the perp tape."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.trades import Trades, TradeTape, generate
from hl_pipeline.simulator.wallets import wallets


def _split(t: Trades, spec: CoinSpec, n: int) -> np.ndarray:
    notional = t.px * t.lots / 10**spec.sz_decimals
    taker = np.where(t.buy, t.buyer, t.seller)
    maker = np.where(t.buy, t.seller, t.buyer)
    return np.stack([np.bincount(taker, notional, n), np.bincount(maker, notional, n)])


@lru_cache(maxsize=512)
def _whole_day(seed: int, count: int, coins: tuple[CoinSpec, ...], listing_ms: int, day: int) -> np.ndarray:
    wal = wallets(seed, count)
    m0, m1 = max(day * 1440, -(-listing_ms // MINUTE_MS)), day * 1440 + 1440
    out = np.zeros((2, len(wal.addresses)))
    for coin_id, spec in enumerate(coins):
        if m1 > m0:
            out += _split(generate(seed, coin_id, spec, wal, m0, m1), spec, len(wal.addresses))
    return out


def day_volumes(tape: TradeTape, day: int, now: int) -> np.ndarray:
    """(2, wallets): cross and add notional of each wallet on a day, up to now (past days cached)."""
    if (day + 1) * DAY_MS <= now:
        return _whole_day(tape.seed, len(tape.wallets.addresses), tape.coins, tape.listing_ms, day)
    out = np.zeros((2, len(tape.wallets.addresses)))
    for coin_id, spec in enumerate(tape.coins):
        if now >= day * DAY_MS:
            out += _split(tape.window(coin_id, day * DAY_MS, now), spec, len(tape.wallets.addresses))
    return out
