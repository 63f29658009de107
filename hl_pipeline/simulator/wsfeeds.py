"""WebSocket payloads at a simulated time, from the same model functions REST uses."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.simulator.book import LEVELS, l2_book
from hl_pipeline.simulator.contexts import asset_ctx
from hl_pipeline.simulator.fills import fills_by_time, recent_fills
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_lots, fmt_pxs
from hl_pipeline.simulator.snapshot import candle_rows
from hl_pipeline.simulator.trades import Trades, hash_hex, trade_ids

FAST_LEVELS = 5


def trade_rows(market: Market, coin_id: int, t: Trades) -> list[dict]:
    """WsTrade objects, ascending (same fields and values as REST recentTrades)."""
    spec, users = market.specs[coin_id], market.wallets.addresses
    tids, words = trade_ids(market.config.seed, coin_id, t.key)
    return [
        {
            "coin": spec.name,
            "side": "B" if b else "A",
            "px": px,
            "sz": fmt_lots(q, spec.sz_decimals),
            "time": tm,
            "hash": hash_hex(w),
            "tid": tid,
            "users": [users[bu], users[se]],
        }
        for tm, px, q, b, bu, se, tid, w in zip(
            t.time.tolist(),
            fmt_pxs(t.px, spec.sz_decimals),
            t.lots.tolist(),
            t.buy.tolist(),
            t.buyer.tolist(),
            t.seller.tolist(),
            tids.tolist(),
            words.tolist(),
        )
    ]


def trades_between(market: Market, coin_id: int, after_ms: int, upto_ms: int) -> list[dict]:
    """Trades with after_ms < time <= upto_ms, ascending."""
    if upto_ms <= after_ms:
        return []
    return trade_rows(market, coin_id, market.tape_of(coin_id).window(coin_id, after_ms + 1, upto_ms))


def recent_batch(market: Market, coin_id: int, now_ms: int, n: int) -> list[dict]:
    """The last n trades of the hour up to now, ascending (sent right after a trades subscribe); more
    when the n-th last shares its time with earlier ones (a sweep is not split)."""
    t = market.tape_of(coin_id).window(coin_id, now_ms - HOUR_MS, now_ms)
    first = max(0, len(t.time) - n)
    if first:
        first = int(np.searchsorted(t.time, t.time[first], side="left"))
    return trade_rows(market, coin_id, t.take(slice(first, None)))


def book(market: Market, sub: dict, coin_id: int, now_ms: int) -> dict:
    """WsBook: full snapshot at now, 20 levels (5 with fast), `time` = push time."""
    spec = market.specs[coin_id]
    b = l2_book(market.config.seed, coin_id, spec, now_ms, sub["nSigFigs"], sub["mantissa"])
    depth = FAST_LEVELS if sub["fast"] else LEVELS
    return {"coin": spec.name, "time": now_ms, "levels": [side[:depth] for side in b["levels"]]}


def candle(market: Market, coin_id: int, interval: str, now_ms: int) -> dict | None:
    """The open candle of an interval at now (single object, as recorded)."""
    c = market.config
    rows = candle_rows(
        market.sources[coin_id],
        market.specs[coin_id].name,
        interval,
        now_ms,
        now_ms,
        now_ms,
        c.listing_ms,
        c.retention,
        c.candle_page,
    )
    return rows[-1] if rows else None


def mids(market: Market, now_ms: int) -> dict:
    """allMids data with the WebSocket's `mids` wrapper."""
    return {"mids": market.mids(now_ms)}


def ctx(market: Market, coin_id: int, now_ms: int) -> tuple[str, dict]:
    """(channel, data) of activeAssetCtx: a perp's context, or a spot pair's on activeSpotAssetCtx."""
    if coin_id < market.n_perps:
        name, data = (
            market.specs[coin_id].name,
            asset_ctx(market.config, coin_id, market.sources[coin_id], now_ms),
        )
        return "activeAssetCtx", {"coin": name, "ctx": data}
    spot = market.spot_ctxs(now_ms)[coin_id - market.n_perps]
    return "activeSpotAssetCtx", {"coin": spot["coin"], "ctx": spot}


def fills_snapshot(market: Market, user: str, now_ms: int) -> dict:
    """The first userFills message: isSnapshot true, recent fills newest first."""
    w = market.wallets.index(user)
    fills = [] if w is None else recent_fills(market.tape, w, now_ms, market.config.fills_page)
    return {"isSnapshot": True, "user": user, "fills": fills}


def fills_between(market: Market, user: str, after_ms: int, upto_ms: int) -> list[dict]:
    """A wallet's fills with after_ms < time <= upto_ms (cheap tape check first)."""
    w = market.wallets.index(user)
    if w is None or upto_ms <= after_ms:
        return []
    for i in range(market.n_perps):
        t = market.tape.window(i, after_ms + 1, upto_ms)
        if np.any((t.buyer == w) | (t.seller == w)):
            return fills_by_time(market.tape, w, after_ms + 1, upto_ms, market.config.fills_page)
    return []
