"""A wallet's kind from its statistics: the first rule that holds, with the statistic that decided it.

Thresholds are the reference note's (section 2) where it gives them, else marked [P] there; they
were set on simulator seed 101 (bench/wallet_profiles.py) and are scored on other seeds.
Leverage (end-of-day notional of the tracked coins over equity) is recorded but decides nothing:
seen through a few coins and one snapshot a day it mostly measures the day's last fills, and on
seed 101 it put most small retail accounts over 10x.
"""

from __future__ import annotations

import math
from collections.abc import Callable

MAKER_SHARE = 0.8  # of notional filled as maker
MAKER_FILLS_PER_DAY = 500
LIQUIDATIONS = 2  # own liquidations in the window
WHALE_EQUITY = 1_000_000.0  # USD: HyperTracker's Tidal Whale and above
WHALE_NOTIONAL = 1_000_000.0  # USD in one coin, where equity is unknown (CoinGlass whale alerts)
BOT_MIN_FILLS = 20
BOT_SECOND_SHARE = 0.5  # of taker orders in one second of the minute
BOT_CV = 0.2
SMART_MIN_DAYS = 3
SMART_POSITIVE = 2 / 3  # of the days with data
SMART_TSTAT = 2.0
SMART_MIN_ORDERS = 30  # taker orders with an hour markout
SMART_MARKOUT_BPS = 9.0  # a round trip at Hyperliquid's base taker fee (4.5 bps a side)
SMART_MARKOUT_TSTAT = 3.0
WINDOW_DAYS = 7

COHORTS = (  # HyperTracker perp-equity cohorts: (upper bound USD, name)
    (250.0, "Shrimp"),
    (10_000.0, "Fish"),
    (50_000.0, "Dolphin"),
    (100_000.0, "Apex Predator"),
    (500_000.0, "Small Whale"),
    (1_000_000.0, "Whale"),
    (5_000_000.0, "Tidal Whale"),
    (math.inf, "Leviathan"),
)


def cohort(equity: float | None) -> str | None:
    """The equity cohort of an account value (None if unknown)."""
    if equity is None or math.isnan(equity):
        return None
    return next(name for bound, name in COHORTS if equity < bound)


def _num(stats: dict, key: str) -> float | None:
    v = stats.get(key)
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _maker(s: dict) -> str | None:
    share, per_day = _num(s, "maker_share"), _num(s, "fills_per_day") or 0.0
    if share is not None and share >= MAKER_SHARE and per_day >= MAKER_FILLS_PER_DAY:
        return (
            f"maker share {share:.3f} >= {MAKER_SHARE} with {per_day:.0f} fills/day >= {MAKER_FILLS_PER_DAY}"
        )
    return None


def _liquidation(s: dict) -> str | None:
    n = int(s.get("liquidations") or 0)
    return f"{n} own liquidations >= {LIQUIDATIONS} in {WINDOW_DAYS} days" if n >= LIQUIDATIONS else None


def _whale(s: dict) -> str | None:
    eq, ntl = _num(s, "equity_usd"), _num(s, "max_notional_usd")
    if eq is not None:
        return f"equity ${eq:,.0f} >= ${WHALE_EQUITY:,.0f}" if eq >= WHALE_EQUITY else None
    if ntl is not None and ntl >= WHALE_NOTIONAL:
        return f"equity unknown; a position of ${ntl:,.0f} >= ${WHALE_NOTIONAL:,.0f}"
    return None


def _bot(s: dict) -> str | None:
    if (s.get("fills") or 0) < BOT_MIN_FILLS:
        return None
    share, cv = _num(s, "second_share"), _num(s, "interval_cv")
    if share is not None and share >= BOT_SECOND_SHARE:
        return f"{share:.2f} of taker orders in one second of the minute >= {BOT_SECOND_SHARE}"
    if cv is not None and cv < BOT_CV:
        return f"taker order gaps CV {cv:.2f} < {BOT_CV}"
    return None


def _smart(s: dict) -> str | None:
    days, t = int(s.get("days") or 0), _num(s, "pnl_tstat")
    positive = int(s.get("pnl_days_positive") or 0)
    if days >= SMART_MIN_DAYS and positive >= SMART_POSITIVE * days and t is not None and t > SMART_TSTAT:
        return f"net realised PnL positive on {positive} of {days} days, t = {t:.2f} > {SMART_TSTAT:g}"
    orders, edge, edge_t = (
        int(s.get("taker_orders_marked") or 0),
        _num(s, "taker_markout_1h_bps"),
        _num(s, "taker_markout_1h_tstat"),
    )
    if (
        orders >= SMART_MIN_ORDERS
        and edge is not None
        and edge > SMART_MARKOUT_BPS
        and edge_t is not None
        and edge_t > SMART_MARKOUT_TSTAT
    ):
        return (
            f"{orders} taker orders gain {edge:.1f} bps an hour on > {SMART_MARKOUT_BPS:g}"
            f" (a taker round trip), t = {edge_t:.2f} > {SMART_MARKOUT_TSTAT:g}"
        )
    return None


RULES: tuple[tuple[str, Callable[[dict], str | None]], ...] = (
    ("market_maker", _maker),
    ("liquidation_prone", _liquidation),
    ("whale", _whale),
    ("bot", _bot),
    ("smart_money", _smart),
)


def classify(stats: dict) -> tuple[str, str]:
    """(kind, reason) of one wallet's statistics."""
    for kind, rule in RULES:
        reason = rule(stats)
        if reason is not None:
            return kind, reason
    return "retail", "no rule held"
