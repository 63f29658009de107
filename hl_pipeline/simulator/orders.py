"""A wallet's orders: the order behind each of its fills, and resting orders it later cancels.

Both are pure functions of (seed, wallet, coin, time). A fill's order is the wallet's side of a
public trade: a taker's is an Ioc order placed at the fill (its partial fills share the oid), a
maker's a Gtc order placed up to `MAX_AGE_MS` earlier and open until the fill. Resting orders are
drawn per ten-minute slot, priced away from the market, and cancelled after their lifetime. So an
open order at now either fills later (the fill is in userFills then) or is cancelled.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.simulator.fills import FILL_OID_BASE, fill_oid
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_lots, fmt_px, round_px
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.trades import trade_ids

MAX_AGE_MS = 20 * MINUTE_MS  # how long a maker order rests before its fill, at most
SLOT_MS = 10 * MINUTE_MS
MAX_LIFE_MS = 30 * MINUTE_MS
RESTING_OID_BASE = 1_000_000_000_000
RESTING_CHANCE = {
    "market_maker": 0.9,
    "whale": 0.3,
    "smart_money": 0.2,
    "bot": 0.0,
    "liquidation_prone": 0.1,
    "retail": 0.1,
}
WALLET_BITS = 16  # a resting order's oid: (slot, coin, wallet), the wallet in the low bits
_UPDATE_KEYS = ("coin", "side", "limitPx", "sz", "oid", "timestamp", "origSz", "cloid")


@dataclasses.dataclass(frozen=True)
class Order:
    """One order: placed at `placed`, ends `end_status` ("filled"/"canceled") at `end`."""

    coin: str
    side: str
    px: str
    lots: int
    sz_decimals: int
    oid: int
    placed: int
    end: int
    end_status: str
    tif: str
    cloid: str | None

    def status_at(self, t_ms: int) -> tuple[str, int]:
        """(status, statusTimestamp) as of a time at or after placement."""
        return (self.end_status, self.end) if t_ms >= self.end else ("open", self.placed)

    def frontend(self, t_ms: int) -> dict:
        """The frontendOpenOrders / historicalOrders shape of the order as of a time."""
        orig = fmt_lots(self.lots, self.sz_decimals)
        filled = t_ms >= self.end and self.end_status == "filled"
        return {
            "coin": self.coin,
            "side": self.side,
            "limitPx": self.px,
            "sz": "0.0" if filled else orig,
            "oid": self.oid,
            "timestamp": self.placed,
            "triggerCondition": "N/A",
            "isTrigger": False,
            "triggerPx": "0.0",
            "children": [],
            "isPositionTpsl": False,
            "reduceOnly": False,
            "orderType": "Limit",
            "origSz": orig,
            "tif": self.tif,
            "cloid": self.cloid,
        }

    def basic(self) -> dict:
        """The openOrders shape."""
        sz = fmt_lots(self.lots, self.sz_decimals)
        return {
            "coin": self.coin,
            "limitPx": self.px,
            "oid": self.oid,
            "side": self.side,
            "sz": sz,
            "timestamp": self.placed,
        }


def _maker_age(seed: int, oid: int) -> int:
    return 1_000 + int(float(uniform(stream_key(seed, 20), [oid])[0]) * (MAX_AGE_MS - 1_000))


def fill_orders(market: Market, wallet: int, coin_id: int, lo: int, hi: int) -> list[Order]:
    """Orders behind the wallet's fills of one coin that are alive somewhere in [lo, hi]."""
    spec, seed = market.specs[coin_id], market.config.seed
    t = market.tape.window(coin_id, lo, hi + MAX_AGE_MS)
    t = t.take((t.buyer == wallet) | (t.seller == wallet))
    words, leads = trade_ids(seed, coin_id, t.key)[1], trade_ids(seed, coin_id, t.lead)[1]
    by_oid: dict[int, Order] = {}
    for time, px, lots, buy, buyer, word, lead in zip(
        t.time.tolist(),
        t.px.tolist(),
        t.lots.tolist(),
        t.buy.tolist(),
        (t.buyer == wallet).tolist(),
        words.tolist(),
        leads.tolist(),
    ):
        crossed = buy == buyer
        oid = fill_oid(time, lead if crossed else word, buyer)
        if oid in by_oid:  # another partial fill of the same taker order
            o = by_oid[oid]
            by_oid[oid] = dataclasses.replace(o, lots=o.lots + lots)
            continue
        placed = time if crossed else time - _maker_age(seed, oid)
        by_oid[oid] = Order(
            spec.name,
            "B" if buyer else "A",
            fmt_px(px, spec.sz_decimals),
            lots,
            spec.sz_decimals,
            oid,
            placed,
            time,
            "filled",
            "Ioc" if crossed else "Gtc",
            None,
        )
    return [o for o in by_oid.values() if o.placed <= hi and o.end >= lo]


def resting_orders(market: Market, wallet: int, coin_id: int, slots: np.ndarray) -> list[Order]:
    """The resting (later cancelled) orders of a wallet in one coin for some slot indices."""
    spec, seed, kind = market.specs[coin_id], market.config.seed, market.wallets.kinds[wallet]
    oids = RESTING_OID_BASE + ((slots * 64 + coin_id) << WALLET_BITS) + wallet
    key = stream_key(seed, 21)
    u = [uniform(key, oids * 8 + j) for j in range(7)]
    keep = u[0] < RESTING_CHANCE[kind]
    placed = (slots * SLOT_MS + u[1] * SLOT_MS).astype(np.int64)
    end = placed + (60_000 + u[2] * (MAX_LIFE_MS - 60_000)).astype(np.int64)
    buy = u[3] < 0.5
    mark = price(seed, coin_id, spec.start_px, spec.daily_vol, placed, spec.signal)
    px = round_px(
        mark * np.where(buy, 1 - (0.002 + 0.02 * u[4]), 1 + (0.002 + 0.02 * u[4])), spec.sz_decimals
    )
    usd = market.wallets.position_usd(wallet) * (0.02 + 0.1 * u[5])
    lots = np.maximum(1, np.round(usd / px * 10**spec.sz_decimals))
    return [
        Order(
            spec.name,
            "B" if b else "A",
            fmt_px(p, spec.sz_decimals),
            int(q),
            spec.sz_decimals,
            oid,
            t0,
            t1,
            "canceled",
            "Gtc",
            f"0x{oid:032x}" if c else None,
        )
        for oid, t0, t1, b, p, q, c in zip(
            oids[keep].tolist(),
            placed[keep].tolist(),
            end[keep].tolist(),
            buy[keep].tolist(),
            px[keep].tolist(),
            lots[keep].tolist(),
            (u[6][keep] < 0.5).tolist(),
        )
        if t0 >= market.config.listing_ms
    ]


def orders_between(market: Market, wallet: int, lo: int, hi: int) -> list[Order]:
    """Every order of a wallet alive somewhere in [lo, hi] (placed <= hi, ended >= lo)."""
    slots = np.arange((lo - MAX_LIFE_MS) // SLOT_MS - 1, hi // SLOT_MS + 1, dtype=np.int64)
    out: list[Order] = []
    for coin_id in range(market.n_perps):
        out += fill_orders(market, wallet, coin_id, lo, hi)
        out += [o for o in resting_orders(market, wallet, coin_id, slots) if o.placed <= hi and o.end >= lo]
    return out


def open_orders(market: Market, wallet: int | None, now: int) -> list[Order]:
    """Orders open at now, newest first."""
    if wallet is None:
        return []
    live = [o for o in orders_between(market, wallet, now, now) if o.placed <= now < o.end]
    return sorted(live, key=lambda o: (-o.placed, -o.oid))


def historical_orders(market: Market, wallet: int | None, now: int, cap: int = 2000) -> list[dict]:
    """historicalOrders: orders placed or ended in the last day, by status time, newest first."""
    if wallet is None:
        return []
    done = [(o, *o.status_at(now)) for o in orders_between(market, wallet, now - 86_400_000, now)]
    done.sort(key=lambda x: (-x[2], -x[0].oid))
    return [
        {"order": o.frontend(now), "status": status, "statusTimestamp": at} for o, status, at in done[:cap]
    ]


def _resting(market: Market, wallet: int, oid: int) -> Order | None:
    n = oid - RESTING_OID_BASE
    slot, coin_id, w = n >> (WALLET_BITS + 6), (n >> WALLET_BITS) % 64, n % (1 << WALLET_BITS)
    if w != wallet or coin_id >= market.n_perps:
        return None
    return next(
        (o for o in resting_orders(market, wallet, coin_id, np.asarray([slot])) if o.oid == oid), None
    )


def _filled(market: Market, wallet: int, oid: int) -> Order | None:
    second = (oid - FILL_OID_BASE) // 64 * 1000  # a fill's oid holds its second
    for coin_id in range(market.n_perps):
        for o in fill_orders(market, wallet, coin_id, second - MAX_AGE_MS, second + 999):
            if o.oid == oid:
                return o
    return None


def find_order(market: Market, wallet: int | None, oid: int | str, now: int) -> Order | None:
    """The wallet's order with this oid (or 0x-hex cloid), placed by now."""
    number = int(oid, 16) if isinstance(oid, str) else oid
    if wallet is None or number < FILL_OID_BASE:
        return None
    order = (
        _resting(market, wallet, number) if number >= RESTING_OID_BASE else _filled(market, wallet, number)
    )
    if order is None or order.placed > now:
        return None
    if isinstance(oid, str) and order.cloid != oid.lower():
        return None
    return order


def order_status(market: Market, wallet: int | None, oid: int | str, now: int) -> dict:
    """orderStatus: the order with its status as of now, or unknownOid."""
    order = find_order(market, wallet, oid, now)
    if order is None:
        return {"status": "unknownOid"}
    status, at = order.status_at(now)
    return {
        "status": "order",
        "order": {"order": order.frontend(now), "status": status, "statusTimestamp": at},
    }


def order_events(market: Market, wallet: int, after: int, upto: int) -> list[dict]:
    """orderUpdates: placements and fills/cancels with after < time <= upto, in time order."""
    happened = [
        (at, status, o)
        for o in orders_between(market, wallet, after + 1, upto)
        for status, at in (("open", o.placed), (o.end_status, o.end))
        if after < at <= upto
    ]
    happened.sort(key=lambda x: (x[0], x[2].oid))
    return [
        {
            "order": {k: v for k, v in o.frontend(at).items() if k in _UPDATE_KEYS},
            "status": status,
            "statusTimestamp": at,
        }
        for at, status, o in happened
    ]
