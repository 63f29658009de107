"""Planted market manipulation: wash-trading rings, spoofers, volume spikes and price spikes, each a
pure function of (seed, coin, UTC day) so REST, WebSocket and archives agree.

`integrity_rate` (SimulatorConfig) scales the base rates below; 0 (the default, the null mode)
plants nothing and leaves every value bit-identical. Per coin-day the number of episodes of a kind is
floor(rate x base + u), u uniform, and each episode's start, length and parameters are drawn from
its own counter stream (reference/wallets-and-integrity.md section 6):

- wash: a ring of 2 or 3 retail wallets trades in a cycle (member k sells to member k+1), one trade a
  minute for 20-60 minutes, every trade of the same notional within 0.3%, so each member's net
  position over the episode is close to zero. The trades are extra prints (rank 4095 of the minute),
  counted in the minute's candle.
- volume_spike: 3-8 minutes trade 15-30x their usual count and volume.
- price_spike: the log price jumps by 50-80 mean one-minute sigmas within one minute and decays
  linearly over 10-20 minutes (candles, trades, books and contexts; marks used for account state
  stay on the base path).
- spoof: one large order (15-30x the side's median top-20 level) rests at level 1-3 of one side for
  2-8 s and is pulled without trading (no identity: the L2 book has none); meanwhile, up to 3 s
  after, the spoofer takes 2-4 of the minute's trades on the other side (none in a minute with too
  few trades: fewer than 2 x its orders + 8). The spoofers are the same SPOOFERS retail wallets of a
  seed on every coin and day, as a spoofer repeats its trick.
- pump_and_dump: the log price rises linearly by 40-60 mean one-minute sigmas over a 20-40 minute
  run-up, trade count and volume rising to 2-2.5x, then falls back over 10-15 minutes at that volume.
  Aggressor sides are not tilted (they are drawn in trades.py, which this module does not steer).
- funding_marking: in the 5-8 minutes before a funding time (the top of an hour; Hyperliquid funds
  hourly) the log price is pushed up or down by 12-18 sigmas at 2x volume, and it returns over the
  5-8 minutes after.
- correlation_break: for 90-180 minutes the coin's returns stop following the market: the share of
  its direction normals that the market drives is swapped for an independent stream of the same
  variance (pricepath.py), so volatility and volume are unchanged, and the swap is bridged so the
  price is back on its path at the end.
- liquidation_cascade: for 8-15 minutes 60% of the taker orders are liquidations of liquidation-prone
  accounts, all on one side (sells when longs are liquidated, 70% of cascades; buys in a squeeze), at
  3-5x volume, while the log price moves that way by 30-45 sigmas; it recovers over 60-120 minutes,
  and open interest falls by 5-10% and comes back with it. The liquidation object is on both sides'
  fills (fills.py). In the last CASCADE_BACKSTOP_MIN forced minutes the book is spent: the forced
  orders go to the backstop (`method: "backstop"`) and their counterparties are auto-deleveraged
  (`dir: "Auto-Deleveraging"`); the counterparty is the trade's maker as drawn, its position is not
  checked to be a profitable opposite one (positions are not margin-checked).
- linked_cluster: 2-4 retail wallets run by one hand: for 60-180 minutes, every 2-4 minutes, each
  member takes one order within 400 ms of the others, all on one side (drawn per burst); they trade
  with the market, not with each other. A burst is skipped in a minute with fewer trades than members.

`truth` exports every episode of a window (never read by the pipeline).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.lake.calendar import date_of_ms, day_start_ms, shift
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.wallets import wallets

KINDS = (
    "wash",
    "volume_spike",
    "price_spike",
    "spoof",
    "pump_and_dump",
    "funding_marking",
    "correlation_break",
    "liquidation_cascade",
    "linked_cluster",
)
BASE_RATE = {  # per coin-day at rate 1
    "wash": 1.0,
    "volume_spike": 1.0,
    "price_spike": 1.0,
    "spoof": 2.0,
    "pump_and_dump": 0.5,
    "funding_marking": 1.0,
    "correlation_break": 0.5,
    "liquidation_cascade": 0.5,
    "linked_cluster": 1.0,
}
WASH_RANK = 4095  # a wash print's rank in its minute (ordinary trades use 0..4094)
WASH_MINUTES = (20, 60)
WASH_NOTIONAL = (20_000.0, 80_000.0)  # USD per wash print
WASH_JITTER = 0.003  # relative spread of a ring's print sizes
SPIKE_MINUTES = (3, 8)
SPIKE_FACTOR = (15.0, 30.0)
MAX_MINUTE_TRADES = 4000
PRICE_SIGMAS = (50.0, 80.0)  # in mean one-minute sigmas: daily_vol / sqrt(1440)
PRICE_DECAY_MIN = (10, 20)
SPOOF_MS = (2_000, 8_000)
SPOOF_SIZE = (15.0, 30.0)  # x the side's median level of the 20 shown
SPOOF_ORDERS = (2, 4)  # the spoofer's taker orders on the other side
SPOOF_AFTER_MS = 3_000  # taken while the spoof rests and up to this long after
SPOOFERS = 3  # the retail wallets that place every spoof of a seed
PUMP_SIGMAS = (40.0, 60.0)  # the run-up's rise, in mean one-minute sigmas
PUMP_RUN_MIN = (20, 40)
PUMP_DUMP_MIN = (10, 15)
PUMP_VOLUME = (2.0, 2.5)  # volume multiple at the top of the run-up and through the dump
MARK_SIGMAS = (12.0, 18.0)
MARK_MIN = (5, 8)  # minutes of pressure before the funding time, and of its reversal after
MARK_VOLUME = 2.0
BREAK_MIN = (90, 180)
CASCADE_MIN = (8, 15)  # minutes of forced orders
CASCADE_SIGMAS = (30.0, 45.0)  # the move over them, in mean one-minute sigmas
CASCADE_RECOVER_MIN = (60, 120)
CASCADE_VOLUME = (3.0, 5.0)
CASCADE_FORCED = 0.6  # the share of the cascade's taker orders that are liquidations
CASCADE_DOWN = 0.7  # the share of cascades that liquidate longs
CASCADE_OI = (0.05, 0.10)  # the fall of open interest over the cascade
CASCADE_BACKSTOP_MIN = 2  # the last forced minutes, whose liquidations go to the backstop and ADL
LINK_MEMBERS = (2, 4)
LINK_MINUTES = (60, 180)
LINK_EVERY_MIN = (2, 4)  # minutes between a cluster's bursts
LINK_JITTER_MS = 400
_LINK_STREAM = 12  # stream_key(seed, _STREAM + 12, coin_id): a burst's time, side and members' offsets
_SPOOFER_STREAM = 13  # stream_key(seed, _STREAM + 13, coin_id): the spoofer's order times
_SPOOFERS_STREAM = 14  # stream_key(seed, _STREAM + 14, 0): the seed's spoofers' draws
_FORCED_STREAM = 11  # stream_key(seed, _STREAM + 11, coin_id): which taker orders are forced
_STREAM = 70  # stream ids 70.. (one per kind): stream_key(seed, _STREAM + kind, coin_id, day)


@dataclasses.dataclass(frozen=True)
class Episode:
    """One planted episode: kind, coin index, [start_ms, end_ms), and the kind's parameters (`draws`
    picks a wash ring's or a cluster's members or the spoofer from the retail block; `size` is the
    spoof's or spike's multiple, the price spike's, pump's or marking's signed amplitude in sigmas
    or the wash print's notional; `side` +1 bid / -1 ask (a cascade's: +1 forced buys); `level` the
    spoof's book level (a cascade's open-interest fall in basis points), `decay_min` the price
    spike's decay, the dump's, the marking's or the cascade's reversal (a cluster's minutes between
    bursts); `lead_min` the run-up's, the pressure's or the cascade's minutes before the peak (the
    spoofer's opposite orders); `volume` the pump's, marking's or cascade's volume multiple)."""

    kind: str
    coin_id: int
    start_ms: int
    end_ms: int
    size: float
    side: int = 0
    level: int = 0
    decay_min: int = 0
    draws: tuple[float, ...] = ()
    lead_min: int = 0
    volume: float = 1.0


def _between(lo: float, hi: float, u: float) -> float:
    return lo + (hi - lo) * u


@lru_cache(maxsize=4096)
def day_episodes(seed: int, coin_id: int, day: int, rate: float, kind: str) -> tuple[Episode, ...]:
    """Episodes of one kind in one coin-day (start inside the day), in start order."""
    if not rate:
        return ()
    key = stream_key(seed, _STREAM + KINDS.index(kind), coin_id, day)
    count = int(rate * BASE_RATE[kind] + uniform(key, 0)[()])
    out = []
    for j in range(count):
        u = uniform(key, 1 + j * 16 + np.arange(16))
        start = day * DAY_MS + int(u[0] * (DAY_MS - 2 * 3_600_000)) + 1_800_000  # clear of the day's edges
        if kind == "wash":
            minutes = int(_between(*WASH_MINUTES, u[1]))
            start -= start % MINUTE_MS
            ring = 2 if u[2] < 0.5 else 3
            minutes -= minutes % ring  # whole cycles: every member ends flat but for size jitter
            out.append(
                Episode(
                    kind,
                    coin_id,
                    start,
                    start + minutes * MINUTE_MS,
                    _between(*WASH_NOTIONAL, u[3]),
                    draws=tuple(float(x) for x in u[4 : 4 + ring]),
                )
            )
        elif kind == "volume_spike":
            start -= start % MINUTE_MS
            minutes = int(_between(SPIKE_MINUTES[0], SPIKE_MINUTES[1] + 1, u[1]))
            out.append(
                Episode(kind, coin_id, start, start + minutes * MINUTE_MS, _between(*SPIKE_FACTOR, u[2]))
            )
        elif kind == "price_spike":
            start -= start % MINUTE_MS
            decay = int(_between(PRICE_DECAY_MIN[0], PRICE_DECAY_MIN[1] + 1, u[1]))
            sign = 1 if u[3] < 0.5 else -1
            amp = sign * _between(*PRICE_SIGMAS, u[2])
            out.append(Episode(kind, coin_id, start, start + (1 + decay) * MINUTE_MS, amp, decay_min=decay))
        elif kind == "pump_and_dump":
            start -= start % MINUTE_MS
            run = int(_between(PUMP_RUN_MIN[0], PUMP_RUN_MIN[1] + 1, u[1]))
            dump = int(_between(PUMP_DUMP_MIN[0], PUMP_DUMP_MIN[1] + 1, u[2]))
            out.append(
                Episode(
                    kind,
                    coin_id,
                    start,
                    start + (run + dump) * MINUTE_MS,
                    _between(*PUMP_SIGMAS, u[3]),
                    decay_min=dump,
                    lead_min=run,
                    volume=_between(*PUMP_VOLUME, u[4]),
                )
            )
        elif kind == "funding_marking":
            hour = day * DAY_MS + (1 + int(u[0] * 22)) * HOUR_MS  # a funding time clear of the day's edges
            lead = int(_between(MARK_MIN[0], MARK_MIN[1] + 1, u[1]))
            lag = int(_between(MARK_MIN[0], MARK_MIN[1] + 1, u[2]))
            sign = 1 if u[4] < 0.5 else -1
            out.append(
                Episode(
                    kind,
                    coin_id,
                    hour - lead * MINUTE_MS,
                    hour + lag * MINUTE_MS,
                    sign * _between(*MARK_SIGMAS, u[3]),
                    side=sign,
                    decay_min=lag,
                    lead_min=lead,
                    volume=MARK_VOLUME,
                )
            )
        elif kind == "liquidation_cascade":
            start -= start % MINUTE_MS
            lead = int(_between(CASCADE_MIN[0], CASCADE_MIN[1] + 1, u[1]))
            back = int(_between(CASCADE_RECOVER_MIN[0], CASCADE_RECOVER_MIN[1] + 1, u[2]))
            sign = -1 if u[4] < CASCADE_DOWN else 1
            out.append(
                Episode(
                    kind,
                    coin_id,
                    start,
                    start + (lead + back) * MINUTE_MS,
                    sign * _between(*CASCADE_SIGMAS, u[3]),
                    side=sign,
                    level=round(_between(*CASCADE_OI, u[5]) * 1e4),
                    decay_min=back,
                    lead_min=lead,
                    volume=_between(*CASCADE_VOLUME, u[6]),
                )
            )
        elif kind == "linked_cluster":
            start -= start % MINUTE_MS
            minutes = int(_between(LINK_MINUTES[0], LINK_MINUTES[1] + 1, u[1]))
            members = int(_between(LINK_MEMBERS[0], LINK_MEMBERS[1] + 1, u[2]))
            every = int(_between(LINK_EVERY_MIN[0], LINK_EVERY_MIN[1] + 1, u[3]))
            draws = tuple(float(x) for x in u[4 : 4 + members])
            out.append(
                Episode(
                    kind,
                    coin_id,
                    start,
                    start + minutes * MINUTE_MS,
                    float(members),
                    decay_min=every,
                    draws=draws,
                )
            )
        elif kind == "correlation_break":
            start -= start % MINUTE_MS
            minutes = int(_between(BREAK_MIN[0], BREAK_MIN[1] + 1, u[1]))
            out.append(Episode(kind, coin_id, start, start + minutes * MINUTE_MS, 0.0))
        else:
            life = int(_between(*SPOOF_MS, u[1]))
            out.append(
                Episode(
                    kind,
                    coin_id,
                    start,
                    start + life,
                    _between(*SPOOF_SIZE, u[2]),
                    side=1 if u[3] < 0.5 else -1,
                    level=1 + int(u[4] * 3),
                    draws=(spoofer_draw(seed, float(u[5])),),  # the spoofer
                    lead_min=int(_between(SPOOF_ORDERS[0], SPOOF_ORDERS[1] + 1, u[6])),
                )
            )
    return tuple(sorted(out, key=lambda e: e.start_ms))


def spoofer_draw(seed: int, draw: float) -> float:
    """The draw of one of the seed's SPOOFERS wallets (ring_wallet maps it into the retail block), picked
    by `draw`."""
    key = stream_key(seed, _STREAM + _SPOOFERS_STREAM, 0)
    return float(uniform(key, np.arange(SPOOFERS))[int(draw * SPOOFERS)])


def episodes(seed: int, coin_id: int, rate: float, kind: str, start_ms: int, end_ms: int) -> list[Episode]:
    """Episodes of a kind that overlap [start_ms, end_ms)."""
    if not rate:
        return []
    days = range(start_ms // DAY_MS, (end_ms - 1) // DAY_MS + 1)
    return [
        e
        for d in days
        for e in day_episodes(seed, coin_id, d, rate, kind)
        if e.start_ms < end_ms and e.end_ms > start_ms
    ]


def volume_factor(seed: int, coin_id: int, rate: float, minutes: np.ndarray) -> np.ndarray:
    """Per minute, the multiple of its usual trade count and volume (1 outside volume spikes, pumps,
    markings and cascades): a spike's factor, times a pump's rising to its multiple over the run-up
    and held through the dump, times a marking's or a cascade's over its minutes before its peak."""
    out = np.ones(len(minutes))
    if not rate or not len(minutes):
        return out
    lo, hi = int(minutes[0]) * MINUTE_MS, int(minutes[-1] + 1) * MINUTE_MS
    t = minutes * MINUTE_MS
    for e in episodes(seed, coin_id, rate, "volume_spike", lo, hi):
        out[(t >= e.start_ms) & (t < e.end_ms)] = e.size
    for e in episodes(seed, coin_id, rate, "pump_and_dump", lo, hi):
        x = (t - e.start_ms) / MINUTE_MS
        ramp = 1.0 + (e.volume - 1.0) * np.clip((x + 1) / e.lead_min, 0.0, 1.0)
        out *= np.where((t >= e.start_ms) & (t < e.end_ms), ramp, 1.0)
    for kind in ("funding_marking", "liquidation_cascade"):
        for e in episodes(seed, coin_id, rate, kind, lo, hi):
            out *= np.where((t >= e.start_ms) & (t < e.start_ms + e.lead_min * MINUTE_MS), e.volume, 1.0)
    return out


def price_offset(seed: int, coin_id: int, daily_vol: float, rate: float, t: np.ndarray) -> np.ndarray:
    """The planted log-price offset at times `t` (ms): price spikes (a linear rise over the first
    minute, then a linear decay to zero), pumps, markings and cascades (a linear rise over
    `lead_min`, then a linear return over `decay_min`)."""
    out = np.zeros(t.shape)
    if not rate or not t.size:
        return out
    sigma = daily_vol / np.sqrt(1440.0)
    lo, hi = int(t.min()), int(t.max()) + 1
    for e in episodes(seed, coin_id, rate, "price_spike", lo, hi):
        out += _tent(t, e.start_ms, 1, e.decay_min, e.size * sigma)
    for kind in ("pump_and_dump", "funding_marking", "liquidation_cascade"):
        for e in episodes(seed, coin_id, rate, kind, lo, hi):
            out += _tent(t, e.start_ms, e.lead_min, e.decay_min, e.size * sigma)
    return out


def open_interest_factor(seed: int, coin_id: int, rate: float, t: np.ndarray) -> np.ndarray:
    """The multiple of the usual open interest at times `t` (ms): 1 less each cascade's fall, taken
    linearly over its forced minutes and given back over its recovery."""
    out = np.ones(np.shape(t))
    if not rate or not np.size(t):
        return out
    for e in episodes(seed, coin_id, rate, "liquidation_cascade", int(np.min(t)), int(np.max(t)) + 1):
        out -= _tent(t, e.start_ms, e.lead_min, e.decay_min, e.level / 1e4)
    return out


@dataclasses.dataclass(frozen=True)
class Forced:
    """Per trade: whether its taker order is a cascade's liquidation, the side it takes (True: buy),
    a uniform that picks the liquidated account, and whether it went to the backstop (its
    counterparty auto-deleveraged)."""

    mask: np.ndarray
    buy: np.ndarray
    pick: np.ndarray
    backstop: np.ndarray


def forced_orders(seed: int, coin_id: int, rate: float, t_ms: np.ndarray, lead_key: np.ndarray) -> Forced:
    """The cascades' forced taker orders among trades at `t_ms` with lead keys `lead_key` (the
    parts of one swept order share its key, so they are forced together)."""
    mask, buy = np.zeros(t_ms.shape, dtype=bool), np.zeros(t_ms.shape, dtype=bool)
    backstop, pick = np.zeros(t_ms.shape, dtype=bool), np.zeros(t_ms.shape)
    cascades = (
        episodes(seed, coin_id, rate, "liquidation_cascade", int(t_ms.min()), int(t_ms.max()) + 1)
        if rate and t_ms.size
        else []
    )
    key = stream_key(seed, _STREAM + _FORCED_STREAM, coin_id)
    for e in cascades:
        inside = np.flatnonzero((t_ms >= e.start_ms) & (t_ms < e.start_ms + e.lead_min * MINUTE_MS))
        hit = inside[uniform(key, lead_key[inside] * 2) < CASCADE_FORCED]
        mask[hit], buy[hit] = True, e.side > 0
        pick[hit] = uniform(key, lead_key[hit] * 2 + 1)
        backstop[hit] = t_ms[hit] >= _backstop_ms(e)
    return Forced(mask, buy, pick, backstop)


def _backstop_ms(cascade: Episode) -> int:
    """When a cascade's forced orders start going to the backstop."""
    return cascade.start_ms + max(cascade.lead_min - CASCADE_BACKSTOP_MIN, 0) * MINUTE_MS


def _tent(t: np.ndarray, start_ms: int, rise_min: int, fall_min: int, height: float) -> np.ndarray:
    """0 before start_ms, rising linearly to `height` over rise_min minutes, back to 0 over fall_min."""
    x = (t - start_ms) / MINUTE_MS  # minutes since the start
    shape = np.where(x < rise_min, x / rise_min, 1.0 - (x - rise_min) / fall_min)
    return np.where((x >= 0) & (x < rise_min + fall_min), height * np.clip(shape, 0.0, 1.0), 0.0)


@dataclasses.dataclass(frozen=True)
class WashPrints:
    """The wash prints of a run of minutes: the minute's row, ms offset in it, notional (USD), and the
    ring member positions (in the ring's `draws`) of the buyer and the seller, with the ring's draws."""

    row: np.ndarray
    offset_ms: np.ndarray
    notional: np.ndarray
    buyer_draw: np.ndarray
    seller_draw: np.ndarray


def wash_prints(seed: int, coin_id: int, rate: float, minutes: np.ndarray) -> WashPrints:
    """At most one wash print per minute (the first episode wins where two overlap)."""
    rows: dict[int, tuple[int, float, float, float]] = {}
    if rate and len(minutes):
        m0 = int(minutes[0])
        for e in episodes(seed, coin_id, rate, "wash", m0 * MINUTE_MS, int(minutes[-1] + 1) * MINUTE_MS):
            key = stream_key(seed, _STREAM + 10, coin_id)
            for m in range(
                max(m0, e.start_ms // MINUTE_MS), min(int(minutes[-1]) + 1, e.end_ms // MINUTE_MS)
            ):
                k = m - e.start_ms // MINUTE_MS
                u = uniform(key, np.asarray([m * 2, m * 2 + 1]))
                ring = len(e.draws)
                notional = e.size * (1.0 + WASH_JITTER * (2 * u[0] - 1))
                rows.setdefault(
                    m - m0, (int(u[1] * 50_000) + 5_000, notional, e.draws[(k + 1) % ring], e.draws[k % ring])
                )
    keys = sorted(rows)
    cols = [np.asarray([rows[r][j] for r in keys]) for j in range(4)]
    return WashPrints(
        np.asarray(keys, dtype=np.int64),
        cols[0].astype(np.int64),
        cols[1].astype(np.float64),
        cols[2].astype(np.float64),
        cols[3].astype(np.float64),
    )


@dataclasses.dataclass(frozen=True)
class PlantedOrders:
    """Planted taker orders among a run of minutes' trades: trade index, the taker's draw
    (ring_wallet picks the wallet), offset in the minute (ms) and side (True: buy)."""

    index: np.ndarray
    draw: np.ndarray
    offset_ms: np.ndarray
    buy: np.ndarray


def linked_orders(
    seed: int, coin_id: int, rate: float, minutes: np.ndarray, n: np.ndarray, first: np.ndarray
) -> PlantedOrders:
    """The linked clusters' orders: each burst takes the last trades of its minute, one per member
    (the first episode wins where two overlap)."""
    picked: dict[int, list[tuple[int, float, int, bool]]] = {}
    if rate and len(minutes):
        m0, m1 = int(minutes[0]), int(minutes[-1]) + 1
        key = stream_key(seed, _STREAM + _LINK_STREAM, coin_id)
        for e in episodes(seed, coin_id, rate, "linked_cluster", m0 * MINUTE_MS, m1 * MINUTE_MS):
            first_min = e.start_ms // MINUTE_MS
            for m in range(max(m0, first_min), min(m1, e.end_ms // MINUTE_MS)):
                r, k = m - m0, len(e.draws)
                if (m - first_min) % e.decay_min or n[r] < k or r in picked:
                    continue
                u = uniform(key, m * 8 + np.arange(2 + k))
                at = int(u[0] * (MINUTE_MS - LINK_JITTER_MS))
                picked[r] = [
                    (
                        int(first[r] + n[r] - 1 - j),
                        e.draws[j],
                        at + int(u[2 + j] * LINK_JITTER_MS),
                        bool(u[1] < 0.5),
                    )
                    for j in range(k)
                ]
    return _planted([x for r in sorted(picked) for x in picked[r]])


def spoof_orders(
    seed: int, coin_id: int, rate: float, minutes: np.ndarray, n: np.ndarray, first: np.ndarray
) -> PlantedOrders:
    """The spoofers' orders on the side opposite their spoof, inside its start minute, between its
    start and SPOOF_AFTER_MS after it is pulled: trades from the middle rank of the minute on (bots
    take the ranks below it, linked clusters the last LINK_MEMBERS[1])."""
    rows: list[tuple[int, float, int, bool]] = []
    if rate and len(minutes):
        m0, m1 = int(minutes[0]), int(minutes[-1]) + 1
        key = stream_key(seed, _STREAM + _SPOOFER_STREAM, coin_id)
        for e in episodes(seed, coin_id, rate, "spoof", m0 * MINUTE_MS, m1 * MINUTE_MS):
            r, k = e.start_ms // MINUTE_MS - m0, e.lead_min
            if not 0 <= r < len(n) or n[r] // 2 + k > n[r] - LINK_MEMBERS[1]:
                continue
            lo = e.start_ms % MINUTE_MS
            hi = min(MINUTE_MS - 1, lo + (e.end_ms - e.start_ms) + SPOOF_AFTER_MS)
            at = np.sort(lo + uniform(key, e.start_ms * 8 + np.arange(k)) * (hi - lo)).astype(np.int64)
            rows += [(int(first[r] + n[r] // 2 + j), e.draws[0], int(at[j]), e.side < 0) for j in range(k)]
    return _planted(rows)


def _planted(rows: list[tuple[int, float, int, bool]]) -> PlantedOrders:
    cols = list(zip(*rows)) if rows else [(), (), (), ()]
    return PlantedOrders(
        np.asarray(cols[0], dtype=np.int64),
        np.asarray(cols[1], dtype=np.float64),
        np.asarray(cols[2], dtype=np.int64),
        np.asarray(cols[3], dtype=bool),
    )


def ring_wallet(draw: np.ndarray | float, retail: range) -> np.ndarray:
    """A ring member's population index from its draw: a wallet of the retail block."""
    return retail.start + (np.asarray(draw) * len(retail)).astype(np.int64)


def spoof_lots(
    seed: int, coin_id: int, rate: float, t_ms: int, side: int, median_lots: float
) -> tuple[int, int]:
    """(level, extra lots) a spoofer rests on `side` (+1 bid, -1 ask) at t_ms; (0, 0) if none."""
    if not rate:
        return 0, 0
    for e in episodes(seed, coin_id, rate, "spoof", t_ms, t_ms + 1):
        if e.side == side:
            return e.level, round(e.size * median_lots)
    return 0, 0


def truth(
    seed: int,
    coins: tuple[str, ...],
    rate: float,
    wallet_addresses: tuple[str, ...],
    retail: range,
    start_ms: int,
    end_ms: int,
) -> list[dict]:
    """Every planted episode of [start_ms, end_ms) in start order: type, coin, window (ms), the wallets
    behind it (wash rings) and its parameters."""
    out = []
    for coin_id, coin in enumerate(coins):
        for kind in KINDS:
            for e in episodes(seed, coin_id, rate, kind, start_ms, end_ms):
                row: dict = {"type": kind, "coin": coin, "start_ms": e.start_ms, "end_ms": e.end_ms}
                if kind in ("wash", "linked_cluster"):
                    row["addresses"] = [
                        wallet_addresses[int(i)] for i in ring_wallet(np.asarray(e.draws), retail)
                    ]
                    if kind == "wash":
                        row["notional_usd"] = round(float(e.size), 2)
                    else:
                        row["every_min"] = e.decay_min
                elif kind == "spoof":
                    row.update(
                        side="bid" if e.side > 0 else "ask",
                        level=e.level,
                        size_x_median=round(float(e.size), 2),
                        spoofer=wallet_addresses[int(ring_wallet(e.draws[0], retail))],
                        spoofer_orders_max=e.lead_min,
                    )
                elif kind == "volume_spike":
                    row["factor"] = round(float(e.size), 2)
                elif kind == "pump_and_dump":
                    row.update(
                        sigmas=round(float(e.size), 2),
                        run_up_min=e.lead_min,
                        dump_min=e.decay_min,
                        volume_x=round(float(e.volume), 2),
                    )
                elif kind == "liquidation_cascade":
                    row.update(  # the window runs to the end of the recovery; the forced minutes end at
                        forced_end_ms=e.start_ms + e.lead_min * MINUTE_MS,
                        backstop_ms=_backstop_ms(e),
                        direction="longs liquidated" if e.side < 0 else "shorts liquidated",
                        sigmas=round(float(e.size), 2),
                        recovery_min=e.decay_min,
                        volume_x=round(float(e.volume), 2),
                        open_interest_fall=e.level / 1e4,
                    )
                elif kind == "correlation_break":
                    row["minutes"] = (e.end_ms - e.start_ms) // MINUTE_MS
                elif kind == "funding_marking":
                    row.update(
                        funding_ms=e.start_ms + e.lead_min * MINUTE_MS,
                        sigmas=round(float(e.size), 2),
                        before_min=e.lead_min,
                        after_min=e.decay_min,
                    )
                else:
                    row.update(sigmas=round(float(e.size), 2), decay_min=e.decay_min)
                out.append(row)
    return sorted(out, key=lambda r: (r["start_ms"], r["coin"], r["type"]))


def config_truth(config: SimulatorConfig, start_ms: int, end_ms: int) -> list[dict]:
    """`truth` for the simulator `config` describes (its seed, coins, rate and wallet population)."""
    wal = wallets(config.seed, config.wallet_count)
    coins = tuple(c.name for c in config.coins)
    return truth(
        config.seed, coins, config.integrity_rate, wal.addresses, wal.of_kind("retail"), start_ms, end_ms
    )


def truth_window(config: SimulatorConfig, start: str | None, end: str | None) -> list[dict]:
    """`config_truth` for the days start..end (YYYY-MM-DD, inclusive; default the 7 days to today)."""
    end = end or date_of_ms(config.now())
    start = start or shift(end, -6)
    return config_truth(config, day_start_ms(start), day_start_ms(end) + DAY_MS)
