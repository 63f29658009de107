"""A wallet's fills in one coin and UTC day, with position and PnL accounting.

Each day opens from a deterministic position (a pure function of seed, wallet, coin, day)
entered at the day's opening price; fills inside the day move it. Positions are thus
consistent with fills within a day, and any day is computed without replaying history.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.funding import funding_at
from hl_pipeline.simulator.hashing import normal, stream_key, uniform
from hl_pipeline.simulator.numbers import fmt_sig, round_px
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.trades import Trades, TradeTape
from hl_pipeline.simulator.wallets import POSITION_LEVERAGE, Wallets

SMART_HIT = 0.9  # chance a smart-money opening position points the day's way


@dataclasses.dataclass
class DayBook:
    """A wallet's fills of one coin-day: trades, signed start positions (lots), closed PnL, entry."""

    trades: Trades
    is_buyer: np.ndarray
    start_lots: list[int]
    closed_pnl: list[float]
    end_lots: int
    end_entry: float


@lru_cache(maxsize=4096)
def _open_close(seed: int, coin_id: int, spec: CoinSpec, day: int) -> tuple[float, float]:
    times = [day * DAY_MS, day * DAY_MS + DAY_MS - 1]
    px = round_px(price(seed, coin_id, spec.start_px, spec.daily_vol, times, spec.signal), spec.sz_decimals)
    return float(px[0]), float(px[1])


def opening_positions(
    seed: int, wal: Wallets, wallets: list[int], coin_id: int, spec: CoinSpec, day: int
) -> tuple[list[int], float]:
    """(signed lots of each wallet, entry price) held at the start of a day; smart money's lean the
    way the day's price goes, with probability SMART_HIT."""
    open_px, close_px = _open_close(seed, coin_id, spec, day)
    ws = np.asarray(wallets, dtype=np.int64)
    keys = np.asarray([stream_key(seed, 10, w, coin_id) for w in wallets], dtype=np.uint64)
    z = normal(keys, [day]) if len(ws) else np.empty(0)
    smart = wal.of_kind("smart_money")
    is_smart = (ws >= smart.start) & (ws < smart.stop)
    if is_smart.any():
        hit_keys = np.asarray(
            [stream_key(seed, 13, w, coin_id) for w in ws[is_smart].tolist()], dtype=np.uint64
        )
        hit = uniform(hit_keys, [day]) < SMART_HIT
        z[is_smart] = np.abs(z[is_smart]) * np.where((close_px >= open_px) == hit, 1.0, -1.0)
    usd = wal.account_usd[ws] * np.asarray([POSITION_LEVERAGE[wal.kinds[w]] for w in wallets])
    return np.round(z * usd / open_px * 10**spec.sz_decimals).astype(np.int64).tolist(), open_px


def _day_trades(tape: TradeTape, coin_id: int, day: int, until_ms: int) -> Trades | None:
    start = max(day * DAY_MS, tape.listing_ms)
    if until_ms < start:
        return None
    return tape.window(coin_id, start, min(until_ms, day * DAY_MS + DAY_MS - 1))


def _walk(tape: TradeTape, wallet: int, coin_id: int, opening: tuple[int, float], mine: Trades) -> DayBook:
    """Position and closed PnL through a wallet's trades of the day, from its opening position."""
    spec = tape.coins[coin_id]
    lots, entry = opening
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


def day_book(tape: TradeTape, wallet: int, coin_id: int, day: int, until_ms: int) -> DayBook:
    """The wallet's fills in coin `coin_id` from the start of `day` to `until_ms` inclusive."""
    day_trades = _day_trades(tape, coin_id, day, until_ms)
    if day_trades is None:
        day_trades = Trades(*(np.empty(0, dtype=np.int64) for _ in range(8)))
    mine = day_trades.take((day_trades.buyer == wallet) | (day_trades.seller == wallet))
    lots, entry = opening_positions(tape.seed, tape.wallets, [wallet], coin_id, tape.coins[coin_id], day)
    return _walk(tape, wallet, coin_id, (lots[0], entry), mine)


def day_books(tape: TradeTape, coin_id: int, day: int, until_ms: int) -> dict[int, DayBook]:
    """The books of every wallet with a fill in the coin-day (up to `until_ms`), grouped in one pass."""
    t = _day_trades(tape, coin_id, day, until_ms)
    if t is None or not len(t.time):
        return {}
    sides = np.concatenate([t.buyer, t.seller])
    rows = np.concatenate([np.arange(len(t.time))] * 2)
    order = np.lexsort((rows, sides))
    sides, rows = sides[order], rows[order]
    cuts = np.flatnonzero(np.diff(sides)) + 1
    who = sides[np.concatenate([[0], cuts])].tolist()
    lots, entry = opening_positions(tape.seed, tape.wallets, who, coin_id, tape.coins[coin_id], day)
    return {
        w: _walk(tape, w, coin_id, (q, entry), t.take(r)) for w, q, r in zip(who, lots, np.split(rows, cuts))
    }


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
