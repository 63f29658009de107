"""Universe metadata, asset contexts at now, and mids (perps plus a token spot market)."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.funding import funding_at
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.numbers import fmt_dec, fmt_lots, fmt_px, fmt_sig, round_px
from hl_pipeline.simulator.pricepath import price

_USDC = {
    "name": "USDC",
    "szDecimals": 8,
    "weiDecimals": 8,
    "index": 0,
    "tokenId": "0x6d1e7cde53ba9467b783cb7c530ce054",
    "isCanonical": True,
    "evmContract": None,
    "fullName": None,
}
_PURR = {
    "name": "PURR",
    "szDecimals": 0,
    "weiDecimals": 5,
    "index": 1,
    "tokenId": "0xc1fb593aeffbeb02f85e0308e9956a90",
    "isCanonical": True,
    "evmContract": None,
    "fullName": None,
}
SPOT_META = {
    "universe": [{"tokens": [1, 0], "name": "PURR/USDC", "index": 0, "isCanonical": True}],
    "tokens": [_USDC, _PURR],
}
_PURR_PX = "0.2"


def meta(config: SimulatorConfig) -> dict:
    """`meta`: the perp universe (index = asset id) and its margin tables."""
    universe = [
        {
            "szDecimals": c.sz_decimals,
            "name": c.name,
            "maxLeverage": c.max_leverage,
            "marginTableId": c.max_leverage,
        }
        for c in config.coins
    ]
    tables = [
        [lev, {"description": "", "marginTiers": [{"lowerBound": "0.0", "maxLeverage": lev}]}]
        for lev in sorted({c.max_leverage for c in config.coins})
    ]
    return {"universe": universe, "marginTables": tables}


def mark(config: SimulatorConfig, coin_id: int, t_ms: int) -> float:
    """Rounded mark price of a coin at a time."""
    spec = config.coins[coin_id]
    return float(
        round_px(
            price(config.seed, coin_id, spec.start_px, spec.daily_vol, [t_ms], spec.signal), spec.sz_decimals
        )[0]
    )


def all_mids(config: SimulatorConfig, now_ms: int) -> dict:
    """`allMids`: mid of every book (perps, then the spot pair)."""
    mids = {}
    for i, spec in enumerate(config.coins):
        book = l2_book(config.seed, i, spec, now_ms, None, None)
        bid, ask = float(book["levels"][0][0]["px"]), float(book["levels"][1][0]["px"])
        mids[spec.name] = fmt_dec((bid + ask) / 2, 8)
    mids["PURR/USDC"] = _PURR_PX
    return mids


def asset_ctx(config: SimulatorConfig, coin_id: int, source: CandleSource, now_ms: int) -> dict:
    """One asset context at now: funding, open interest, prices and 24h volume."""
    spec = config.coins[coin_id]
    sz = spec.sz_decimals
    book = l2_book(config.seed, coin_id, spec, now_ms, None, None)
    bid, ask = float(book["levels"][0][0]["px"]), float(book["levels"][1][0]["px"])
    day = source.minutes(now_ms - DAY_MS, now_ms // MINUTE_MS * MINUTE_MS + 1)
    _, rate, premium = funding_at(config.seed, coin_id, np.asarray([now_ms // HOUR_MS]))
    oi = spec.open_interest * (
        0.8 + 0.4 * float(uniform(stream_key(config.seed, coin_id, 12), [now_ms // HOUR_MS])[0])
    )
    notional = float(np.sum(day.v * day.c)) / 10**sz
    prev = (
        mark(config, coin_id, now_ms - DAY_MS)
        if now_ms - DAY_MS >= config.listing_ms
        else mark(config, coin_id, now_ms)
    )
    return {
        "funding": fmt_sig(float(rate[0]), 6),
        "openInterest": fmt_lots(int(oi * 10**sz), sz),
        "prevDayPx": fmt_px(prev, sz),
        "dayNtlVlm": fmt_dec(notional, 6),
        "premium": fmt_dec(float(premium[0]), 8),
        "oraclePx": fmt_px(mark(config, coin_id, now_ms - 3_000), sz),
        "markPx": fmt_px(mark(config, coin_id, now_ms), sz),
        "midPx": fmt_px(float(round_px(np.asarray([(bid + ask) / 2]), sz)[0]), sz),
        "impactPxs": [book["levels"][0][1]["px"], book["levels"][1][1]["px"]],
        "dayBaseVlm": fmt_lots(int(day.v.sum()), sz),
    }


def spot_ctxs() -> list[dict]:
    """Spot asset contexts (the one PURR/USDC pair, flat)."""
    return [
        {
            "prevDayPx": _PURR_PX,
            "dayNtlVlm": "0.0",
            "markPx": _PURR_PX,
            "midPx": _PURR_PX,
            "circulatingSupply": "1000000000.0",
            "coin": "PURR/USDC",
            "totalSupply": "1000000000.0",
            "dayBaseVlm": "0.0",
        }
    ]
