"""A wallet's fills in one coin and UTC day, with position and PnL accounting.

Each day opens from a deterministic position (a pure function of seed, wallet, coin, day)
entered at the day's opening price; fills inside the day move it. Positions are thus
consistent with fills within a day, and any day is computed without replaying history.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.funding import funding_at
from hl_pipeline.simulator.hashing import normal, stream_key
from hl_pipeline.simulator.numbers import fmt_sig, round_px
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.trades import Trades, TradeTape
from hl_pipeline.simulator.wallets import POSITION_USD


@dataclasses.dataclass
class DayBook:
    """A wallet's fills of one coin-day: trades, signed start positions (lots), closed PnL, entry."""

    trades: Trades
    is_buyer: np.ndarray
    start_lots: list[int]
    closed_pnl: list[float]
    end_lots: int
    end_entry: float


def opening_position(
    seed: int, wallet: int, kind: str, coin_id: int, spec: CoinSpec, day: int
) -> tuple[int, float]:
    """(signed lots, entry price) a wallet holds at the start of a day."""
    open_px = float(
        round_px(
            price(seed, coin_id, spec.start_px, spec.daily_vol, [day * DAY_MS], spec.signal), spec.sz_decimals
        )[0]
    )
    z = float(normal(stream_key(seed, 10, wallet, coin_id), [day])[0])
    lots = round(z * POSITION_USD[kind] / open_px * 10**spec.sz_decimals)
    return lots, open_px


def day_book(tape: TradeTape, wallet: int, coin_id: int, day: int, until_ms: int) -> DayBook:
    """The wallet's fills in coin `coin_id` from the start of `day` to `until_ms` inclusive."""
    spec = tape.coins[coin_id]
    start = max(day * DAY_MS, tape.listing_ms)
    day_trades = (
        tape.window(coin_id, start, min(until_ms, day * DAY_MS + DAY_MS - 1)) if until_ms >= start else None
    )
    lots, entry = opening_position(tape.seed, wallet, tape.wallets.kinds[wallet], coin_id, spec, day)
    if day_trades is None:
        empty = Trades(*(np.empty(0, dtype=np.int64) for _ in range(8)))
        return DayBook(empty, np.empty(0, dtype=bool), [], [], lots, entry)
    mine = day_trades.take((day_trades.buyer == wallet) | (day_trades.seller == wallet))
    is_buyer = mine.buyer == wallet
    unit = 10.0**-spec.sz_decimals
    starts, pnls = [], []
    for px, q, b in zip(mine.px.tolist(), mine.lots.tolist(), is_buyer.tolist()):
        d = q if b else -q
        starts.append(lots)
        closing = min(abs(d), abs(lots)) if lots * d < 0 else 0
        pnls.append(closing * unit * (px - entry) * (1 if lots > 0 else -1) if closing else 0.0)
        new = lots + d
        if lots == 0 or ((lots > 0) != (new > 0) and new != 0):
            entry = px if new != 0 else entry
        elif abs(new) > abs(lots):
            entry = (entry * abs(lots) + px * abs(d)) / abs(new)
        lots = new
    return DayBook(mine, is_buyer, starts, pnls, lots, entry)


def hourly_funding(
    tape: TradeTape, coin_id: int, book: DayBook, hours: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """At each hour of the book's day (up to its end): (position in lots held then, the funding rate
    as fundingHistory prints it, the USDC received: -size * mark * rate)."""
    spec = tape.coins[coin_id]
    t = book.trades
    after = np.asarray(book.start_lots, dtype=np.int64) + np.where(book.is_buyer, t.lots, -t.lots)
    opening = book.start_lots[0] if book.start_lots else book.end_lots
    idx = np.searchsorted(t.time, hours * HOUR_MS, side="right") - 1
    lots = (
        np.where(idx < 0, opening, after[np.maximum(idx, 0)]) if len(after) else np.full(len(hours), opening)
    )
    rate = np.asarray([float(fmt_sig(r, 6)) for r in funding_at(tape.seed, coin_id, hours)[1].tolist()])
    mark = round_px(
        price(tape.seed, coin_id, spec.start_px, spec.daily_vol, hours * HOUR_MS, spec.signal),
        spec.sz_decimals,
    )
    return lots, rate, -lots / 10**spec.sz_decimals * mark * rate
