"""A wallet's fills in one coin and UTC day, with position and PnL accounting.

Positions carry from day to day: each wallet opens a deterministic position (a pure function of
seed, wallet, coin) at the start of the tape's carry day, entered at that day's opening price, and
every later day opens where the day before closed. So `clearinghouseState` agrees with the fills at
any time after the carry day; the end state of every wallet is kept per (coin, day), so a day is
computed by walking only the days since the newest one kept.
"""

from __future__ import annotations

import dataclasses
import weakref
from functools import lru_cache

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.funding import funding_at
from hl_pipeline.simulator.hashing import normal, stream_key
from hl_pipeline.simulator.numbers import fmt_sig, round_px
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.trades import Trades, TradeTape
from hl_pipeline.simulator.wallets import POSITION_LEVERAGE


@dataclasses.dataclass
class DayBook:
    """A wallet's fills of one coin-day: trades, signed start positions (lots), closed PnL, entry."""

    trades: Trades
    is_buyer: np.ndarray
    start_lots: list[int]
    closed_pnl: list[float]
    end_lots: int
    end_entry: float


@dataclasses.dataclass(frozen=True)
class Opening:
    """Every wallet's position at a day's start: signed lots and entry price (any value when flat)."""

    lots: np.ndarray  # int64 per wallet
    entry: np.ndarray  # float64 per wallet


_OPENINGS: weakref.WeakKeyDictionary[TradeTape, dict[tuple[int, int], Opening]] = weakref.WeakKeyDictionary()


@lru_cache(maxsize=4096)
def _open_px(seed: int, coin_id: int, spec: CoinSpec, day: int) -> float:
    px = price(seed, coin_id, spec.start_px, spec.daily_vol, [day * DAY_MS], spec.signal)
    return float(round_px(px, spec.sz_decimals)[0])


@lru_cache(maxsize=64)
def _draw_keys(seed: int, coin_id: int, n: int) -> np.ndarray:
    return np.asarray([stream_key(seed, 10, w, coin_id) for w in range(n)], dtype=np.uint64)


def _drawn(tape: TradeTape, coin_id: int, day: int) -> Opening:
    """Positions drawn for a day's start: a normal draw per wallet times its typical size, entered at
    the day's opening price."""
    spec, wal = tape.coins[coin_id], tape.wallets
    open_px = _open_px(tape.seed, coin_id, spec, day)
    usd = wal.account_usd * np.asarray([POSITION_LEVERAGE[k] for k in wal.kinds])
    z = normal(_draw_keys(tape.seed, coin_id, len(wal.kinds)), [day])
    return Opening(
        np.round(z * usd / open_px * 10**spec.sz_decimals).astype(np.int64), np.full(len(z), open_px)
    )


def step(lots: int, entry: float, d: int, px: float) -> tuple[int, float, float]:
    """One fill of `d` lots at `px` on a position of `lots` entered at `entry`: (new lots, new entry,
    closed PnL in lots x price). The entry moves to the size-weighted average on opening fills, stays
    on closing ones and restarts at `px` when the position opens from flat or flips."""
    closing = min(abs(d), abs(lots)) if lots * d < 0 else 0
    pnl = closing * (px - entry) * (1 if lots > 0 else -1) if closing else 0.0
    new = lots + d
    if lots == 0 or ((lots > 0) != (new > 0) and new != 0):
        entry = px if new != 0 else entry
    elif abs(new) > abs(lots):
        entry = (entry * abs(lots) + px * abs(d)) / abs(new)
    return new, entry, pnl


def _close(tape: TradeTape, coin_id: int, day: int, start: Opening) -> Opening:
    """Every wallet's position after the day's trades (the next day's opening)."""
    lots, entry = start.lots.tolist(), start.entry.tolist()
    t = _day_trades(tape, coin_id, day, day * DAY_MS + DAY_MS - 1)
    if t is not None:
        for px, q, b, s in zip(t.px.tolist(), t.lots.tolist(), t.buyer.tolist(), t.seller.tolist()):
            lots[b], entry[b], _ = step(lots[b], entry[b], q, px)
            lots[s], entry[s], _ = step(lots[s], entry[s], -q, px)
    return Opening(np.asarray(lots, dtype=np.int64), np.asarray(entry, dtype=np.float64))


def opening(tape: TradeTape, coin_id: int, day: int) -> Opening:
    """Every wallet's position at the start of `day`. Up to the tape's carry day each day opens from
    its own draw; after it, each day opens where the day before closed (kept per coin and day)."""
    first = max(tape.carry_ms, tape.listing_ms) // DAY_MS
    if day <= first:
        return _drawn(tape, coin_id, day)
    kept = _OPENINGS.setdefault(tape, {})
    d = day
    while d > first and (coin_id, d) not in kept:
        d -= 1
    state = kept[(coin_id, d)] if d > first else _drawn(tape, coin_id, first)
    while d < day:
        state = _close(tape, coin_id, d, state)
        d += 1
        kept[(coin_id, d)] = state
    return state


def _day_trades(tape: TradeTape, coin_id: int, day: int, until_ms: int) -> Trades | None:
    start = max(day * DAY_MS, tape.listing_ms)
    if until_ms < start:
        return None
    return tape.window(coin_id, start, min(until_ms, day * DAY_MS + DAY_MS - 1))


def _walk(tape: TradeTape, wallet: int, coin_id: int, lots: int, entry: float, mine: Trades) -> DayBook:
    """Position and closed PnL through a wallet's trades of the day, from its opening position."""
    unit = 10.0 ** -tape.coins[coin_id].sz_decimals
    is_buyer = mine.buyer == wallet
    starts, pnls = [], []
    for px, q, b in zip(mine.px.tolist(), mine.lots.tolist(), is_buyer.tolist()):
        starts.append(lots)
        lots, entry, pnl = step(lots, entry, q if b else -q, px)
        pnls.append(pnl * unit if pnl else 0.0)
    return DayBook(mine, is_buyer, starts, pnls, lots, entry)


def day_book(tape: TradeTape, wallet: int, coin_id: int, day: int, until_ms: int) -> DayBook:
    """The wallet's fills in coin `coin_id` from the start of `day` to `until_ms` inclusive."""
    day_trades = _day_trades(tape, coin_id, day, until_ms)
    if day_trades is None:
        day_trades = Trades(*(np.empty(0, dtype=np.int64) for _ in range(8)))
    mine = day_trades.take((day_trades.buyer == wallet) | (day_trades.seller == wallet))
    start = opening(tape, coin_id, day)
    return _walk(tape, wallet, coin_id, int(start.lots[wallet]), float(start.entry[wallet]), mine)


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
    start = opening(tape, coin_id, day)
    return {
        w: _walk(tape, w, coin_id, q, e, t.take(r))
        for w, q, e, r in zip(who, start.lots[who].tolist(), start.entry[who].tolist(), np.split(rows, cuts))
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
