"""Public trades per coin and hour, consistent with the 1m candles (count, volume, price range)."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict

import numpy as np

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.hashing import hash64, stream_key, uniform
from hl_pipeline.simulator.minutes import SAMPLE_MS, minute_frame, wash_lots
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.wallets import Wallets

_MAKER_IS_MM = 0.65
_HEDGE_STREAM = 15  # stream_key(seed, coin_id, 15): which market maker makes a hedged pair
_SWEEP = 0.15  # chance that a trade continues the previous one: same taker order hitting the next maker
_TID_MASK = np.uint64((1 << 50) - 1)
BOT_COINS = 3  # bots trade the first three coins (the busiest: BTC, ETH, SOL)
BOT_PERIODS = (2, 3, 5, 10)  # minutes between a bot's trades
SMART_HIT = 0.9  # chance a smart-money taker order points the way the price goes next
SMART_HORIZON_MS = 3_600_000


@dataclasses.dataclass
class Trades:
    """Trade columns for one coin: time, price, size lots, aggressor side, buyer/seller wallet, key."""

    time: np.ndarray
    px: np.ndarray
    lots: np.ndarray
    buy: np.ndarray  # aggressor is the buyer ("B")
    buyer: np.ndarray
    seller: np.ndarray
    key: np.ndarray  # minute * 4096 + rank in minute: seeds tid, hash, oids
    lead: np.ndarray  # key of the first trade of the taker order's sweep (itself when not a sweep)

    def take(self, mask: np.ndarray | slice) -> Trades:
        """Rows selected by a mask or index array."""
        return Trades(*(getattr(self, f.name)[mask] for f in dataclasses.fields(self)))


def bot_beats(
    seed: int, coin_id: int, wal: Wallets, minutes: np.ndarray, n: np.ndarray, first: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The trades bots take on their clocks: (trade index, bot, offset in the minute ms). Each bot
    trades one of the first BOT_COINS coins every `period` minutes at a fixed second; a beat is
    skipped when the minute has too few trades (bots take at most half of a minute's trades)."""
    u = [uniform(stream_key(seed, 12), wal.bots * 4 + j) for j in range(4)]
    mine = (u[0] * BOT_COINS).astype(np.int64) == coin_id
    bots = wal.bots[mine]
    period = np.asarray(BOT_PERIODS)[(u[1][mine] * len(BOT_PERIODS)).astype(np.int64)]
    phase = (u[2][mine] * 60).astype(np.int64)
    second = (u[3][mine] * 59_000).astype(np.int64)
    due = (minutes[:, None] + phase[None, :]) % period[None, :] == 0
    order = np.cumsum(due, axis=1) - 1
    take = due & (order < n[:, None] // 2)
    row, col = np.nonzero(take)
    return first[row] + order[row, col], bots[col], second[col]


def generate(seed: int, coin_id: int, spec: CoinSpec, wal: Wallets, m0: int, m1: int) -> Trades:
    """All trades of minutes [m0, m1): n and volume per minute as in the 1m candles (planted wash
    prints are appended after the minute's ordinary trades are drawn, manipulation.py)."""
    minutes, px, n, v = minute_frame(seed, coin_id, spec, m0, m1)
    wash = wash_lots(seed, coin_id, spec, minutes, px) if spec.integrity else None
    if wash is not None:
        n[wash[0]] -= 1
        v[wash[0]] -= wash[1]
    n = np.minimum(n, 4095)
    row = np.repeat(np.arange(len(minutes)), n)
    first = np.cumsum(n) - n
    rank = np.arange(row.size) - first[row]
    key = minutes[row] * 4096 + rank
    k = stream_key(seed, coin_id, 6)
    offset = ((rank + uniform(k, key * 8)) / n[row] * MINUTE_MS).astype(np.int64)
    weight = -np.log1p(-uniform(k, key * 8 + 1))
    share = weight / np.add.reduceat(weight, first)[row] if row.size else weight
    lots = 1 + np.floor(share * (v - n)[row]).astype(np.int64)
    if row.size:
        lots[first + n - 1] += v - np.add.reduceat(lots, first)
    buy = uniform(k, key * 8 + 2) < 0.5
    maker = np.searchsorted(wal.maker_cdf, uniform(k, key * 8 + 5), side="right")
    taker = np.searchsorted(wal.taker_cdf, uniform(k, key * 8 + 6), side="right")
    # a sweep: the trade takes the previous trade's time, side and taker (partial fills of one order)
    sweep = (rank > 0) & (uniform(k, key * 8 + 7) < _SWEEP)
    at, bot, bot_ms = bot_beats(seed, coin_id, wal, minutes, n, first)
    taker[at], offset[at], sweep[at] = bot, bot_ms, False
    for planted in (  # spoofers trading against their spoof; linked accounts taking orders at once
        manipulation.spoof_orders(seed, coin_id, spec.integrity, minutes, n, first),
        manipulation.linked_orders(seed, coin_id, spec.integrity, minutes, n, first),
    ):
        if planted.index.size:
            i = planted.index
            taker[i] = manipulation.ring_wallet(planted.draw, wal.of_kind("retail"))
            offset[i], sweep[i], buy[i] = planted.offset_ms, False, planted.buy
    lead = np.maximum.accumulate(np.where(sweep, 0, np.arange(row.size)))
    offset, buy, taker = offset[lead], buy[lead], taker[lead]
    buy = _informed(seed, coin_id, spec, wal, minutes[row] * MINUTE_MS + offset, key[lead], taker, buy)
    forced = manipulation.forced_orders(
        seed, coin_id, spec.integrity, minutes[row] * MINUTE_MS + offset, key[lead]
    )
    if forced.mask.any():  # a cascade's liquidations: liquidation-prone takers, all on its side
        prone = wal.of_kind("liquidation_prone")
        taker[forced.mask] = prone.start + (forced.pick[forced.mask] * len(prone)).astype(np.int64)
        buy[forced.mask] = forced.buy[forced.mask]
    u_mm = uniform(k, key * 8 + 3)
    mm = u_mm < _MAKER_IS_MM
    kept, hedged = hedged_makers(
        seed, coin_id, minutes[row[mm]] // 60, buy[mm], lots[mm], u_mm[mm], wal.n_makers
    )
    maker[np.flatnonzero(mm)[kept]] = hedged[kept]
    # no wallet trades with itself: the next maker of the same set (a market maker's hour stays even)
    n_mm = max(wal.n_makers, 1)
    others = max(len(wal.addresses) - n_mm, 1)
    nxt = np.where(maker < n_mm, (maker + 1) % n_mm, n_mm + (maker + 1 - n_mm) % others)
    maker = np.where(taker == maker, nxt, maker)
    trades = Trades(
        minutes[row] * MINUTE_MS + offset,
        px[row, offset // SAMPLE_MS],
        lots,
        buy,
        np.where(buy, taker, maker),
        np.where(buy, maker, taker),
        key,
        key[lead],
    )
    if wash is not None and len(wash[0]):
        trades = _with_wash(trades, wash, minutes, px, wal)
    # trades at one time (a sweep's) in tid order, so (time, tid) sorts the tape
    return trades.take(np.lexsort((trade_ids(seed, coin_id, trades.key)[0], trades.time)))


def hedged_makers(
    seed: int,
    coin_id: int,
    hour: np.ndarray,
    buy: np.ndarray,
    lots: np.ndarray,
    draw: np.ndarray,
    n_makers: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(which of these trades a market maker makes, and which maker) for trades a maker was drawn for
    (`draw` uniform in [0, 1): the order they are dropped in). Within each clock hour the makers take
    as much of the taker buys as of the taker sells (the heavier side's draws are dropped to match, in
    `draw` order, and go to other makers), and the buy and the sell at the same quantile of size go
    to the same maker: what one fill gives a maker, a fill of about the same size takes back within
    the hour (quotes leaning to unwind), so every maker's inventory comes back near zero each hour. A
    planted episode's flow is unwound like any other: it changes the makers of its hours."""
    keep = np.ones(hour.size, dtype=bool)
    maker = np.zeros(hour.size, dtype=np.int64)
    if hour.size == 0:
        return keep, maker
    at = hour - hour.min()
    n_hours = int(at.max()) + 1
    volume = [np.bincount(at[side], lots[side], n_hours) for side in (buy, ~buy)]
    even = np.minimum(*volume)[at]
    order = np.lexsort((draw, buy, at))
    keep[order] = _cumsum_by_group(lots[order], _starts(at[order], buy[order])) <= even[order]
    h, b, n = at[keep], buy[keep], lots[keep]
    order = np.lexsort((n, b, h))
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = _cumsum_by_group(np.ones(order.size, dtype=np.int64), _starts(h[order], b[order])) - 1
    counts = [np.bincount(h[side], minlength=n_hours) for side in (b, ~b)]
    pairs, mine = np.minimum(*counts)[h], np.where(b, counts[0][h], counts[1][h])
    slot = np.where(pairs > 0, rank * pairs // np.maximum(mine, 1), rank)
    pick = uniform(stream_key(seed, coin_id, _HEDGE_STREAM), hour[keep] * (1 << 18) + slot)
    maker[keep] = (pick * n_makers).astype(np.int64)
    return keep, maker


def _starts(*keys: np.ndarray) -> np.ndarray:
    """True where a sorted run of equal keys begins."""
    change = np.zeros(keys[0].size, dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return change


def _cumsum_by_group(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The running sum of `values` restarting at each `starts`."""
    total = np.cumsum(values)
    before = np.where(starts, total - values, 0)
    return total - np.maximum.accumulate(before)


def _informed(
    seed: int,
    coin_id: int,
    spec: CoinSpec,
    wal: Wallets,
    t_ms: np.ndarray,
    lead_key: np.ndarray,
    taker: np.ndarray,
    buy: np.ndarray,
) -> np.ndarray:
    """Aggressor sides with smart money's taker orders pointing the way the price goes over the next
    SMART_HORIZON_MS, with probability SMART_HIT (drawn per order, so a sweep keeps one side)."""
    smart = wal.of_kind("smart_money")
    mine = (taker >= smart.start) & (taker < smart.stop)
    if not mine.any():
        return buy
    t = t_ms[mine]
    now, later = (
        price(seed, coin_id, spec.start_px, spec.daily_vol, times, spec.signal)
        for times in (t, t + SMART_HORIZON_MS)
    )
    hit = uniform(stream_key(seed, coin_id, 14), lead_key[mine]) < SMART_HIT
    out = buy.copy()
    out[mine] = (later > now) == hit
    return out


def _with_wash(
    trades: Trades,
    wash: tuple[np.ndarray, np.ndarray, manipulation.WashPrints],
    minutes: np.ndarray,
    px: np.ndarray,
    wal: Wallets,
) -> Trades:
    """The trades with the planted wash prints appended: ring members on both sides, rank WASH_RANK."""
    rows, lots, prints = wash
    retail = wal.of_kind("retail")
    key = minutes[rows] * 4096 + manipulation.WASH_RANK
    extra = Trades(
        minutes[rows] * MINUTE_MS + prints.offset_ms,
        px[rows, prints.offset_ms // SAMPLE_MS],
        lots,
        prints.offset_ms % 2 == 0,
        manipulation.ring_wallet(prints.buyer_draw, retail),
        manipulation.ring_wallet(prints.seller_draw, retail),
        key,
        key,
    )
    return Trades(
        *(
            np.concatenate([getattr(trades, f.name), getattr(extra, f.name)])
            for f in dataclasses.fields(Trades)
        )
    )


class TradeTape:
    """Trades by (coin, hour), generated on demand and kept in a bounded cache."""

    def __init__(
        self,
        seed: int,
        coins: tuple[CoinSpec, ...],
        wal: Wallets,
        listing_ms: int,
        carry_ms: int,
        max_hours: int = 4000,
    ):
        self.seed, self.coins, self.wallets, self.listing_ms = seed, coins, wal, listing_ms
        self.carry_ms = carry_ms  # wallets' positions carry from day to day after this time (positions.py)
        self._cache: OrderedDict[tuple[int, int], Trades] = OrderedDict()
        self._max = max_hours

    def hour(self, coin_id: int, hour: int) -> Trades:
        """Trades of one coin in one hour (empty before listing)."""
        slot = (coin_id, hour)
        if slot in self._cache:
            self._cache.move_to_end(slot)
            return self._cache[slot]
        m0 = max(hour * 60, -(-self.listing_ms // MINUTE_MS))
        trades = generate(self.seed, coin_id, self.coins[coin_id], self.wallets, m0, max(m0, hour * 60 + 60))
        self._cache[slot] = trades
        if len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return trades

    def window(self, coin_id: int, start_ms: int, end_ms: int) -> Trades:
        """Trades with start_ms <= time <= end_ms, ascending."""
        parts = [self.hour(coin_id, h) for h in range(start_ms // HOUR_MS, end_ms // HOUR_MS + 1)]
        joined = Trades(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in dataclasses.fields(Trades))
        )
        return joined.take((joined.time >= start_ms) & (joined.time <= end_ms))


def trade_ids(seed: int, coin_id: int, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(tid, block hash word) for trade keys: tid is a 50-bit int."""
    h = hash64(stream_key(seed, coin_id, 7), key)
    return (h & _TID_MASK).astype(np.int64), h


def hash_hex(word: int) -> str:
    """A 32-byte transaction hash string from a 64-bit word."""
    parts = [word]
    for _ in range(3):
        parts.append((parts[-1] * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF)
    return "0x" + "".join(f"{p:016x}" for p in parts)
