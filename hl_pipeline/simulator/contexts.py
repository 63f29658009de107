"""Universe metadata, asset contexts at now, and mids (perps and spot pairs)."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.config import CoinSpec, SimulatorConfig
from hl_pipeline.simulator.context_history import open_interest
from hl_pipeline.simulator.funding import funding_at
from hl_pipeline.simulator.numbers import fmt_dec, fmt_lots, fmt_px, fmt_sig, round_px
from hl_pipeline.simulator.pricepath import price


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
            price(config.seed, coin_id, spec.start_px, spec.daily_vol, [t_ms], spec.signal, spec.integrity),
            spec.sz_decimals,
        )[0]
    )


def all_mids(seed: int, specs: tuple[CoinSpec, ...], now_ms: int) -> dict:
    """`allMids`: mid of every book (perps, then spot pairs by their `@N` or PURR/USDC names)."""
    return {spec.name: mid(seed, i, spec, now_ms) for i, spec in enumerate(specs)}


def mid(seed: int, coin_id: int, spec: CoinSpec, now_ms: int) -> str:
    """The mid of a book at now, as allMids prints it."""
    book = l2_book(seed, coin_id, spec, now_ms, None, None)
    bid, ask = float(book["levels"][0][0]["px"]), float(book["levels"][1][0]["px"])
    return fmt_dec((bid + ask) / 2, 8)


def asset_ctx(config: SimulatorConfig, coin_id: int, source: CandleSource, now_ms: int) -> dict:
    """One asset context at now: funding, open interest, prices and 24h volume."""
    spec = config.coins[coin_id]
    sz = spec.sz_decimals
    book = l2_book(config.seed, coin_id, spec, now_ms, None, None)
    bid, ask = float(book["levels"][0][0]["px"]), float(book["levels"][1][0]["px"])
    day = source.minutes(now_ms - DAY_MS, now_ms // MINUTE_MS * MINUTE_MS + 1)
    _, rate, premium = funding_at(config.seed, coin_id, np.asarray([now_ms // HOUR_MS]))
    oi = float(open_interest(config, coin_id, np.asarray([now_ms]))[0])
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
