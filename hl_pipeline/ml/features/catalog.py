"""Every feature: its name, the inputs it reads, how far back it looks, the range it must stay in.

Lookback is counted in bars before the current one (``lookback``) plus a span of time
(``window_ms``) for as-of reads and higher-timeframe bars; a day's computation needs exactly
that much of each input from the days before it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from hl_pipeline.errors import ConfigError
from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, INTERVAL_MS, MINUTE_MS

BARS = ("1m", "5m", "15m")
"""Bar sizes features can be computed on (an hour must hold a whole number of them)."""

INPUT_DATASETS = {
    "candles": "candles",
    "btc": "candles",  # the reference coin's candles
    "book": "book_snapshots",
    "trades": "trades",
    "funding": "funding",
    "premium": "funding",
    "oi": "asset_contexts",
    "venues": "venue_candles",  # other venues' 1m candles (HL_VENUES)
    "venue_funding": "venue_funding",
    "venue_oi": "venue_open_interest",
    "wallet_fills": "wallet_fills",  # the tracked wallets' fills
    "wallet_classes": "wallet_profiles",  # their kinds, from profiles of earlier days
}
"""Each input a feature may declare, and the lake dataset it is read from."""
OPTIONAL_INPUTS = ("venues", "venue_funding", "venue_oi", "wallet_fills", "wallet_classes")
"""Inputs a deployment may not have at all (no venue configured, wallets not run): a feature reading
one reaches a training set only if that input is present somewhere in its window."""

REFERENCE_COIN = "BTC"
BOOK_MAX_AGE_MS = 60_000  # an older snapshot is stale: book features are missing
TRADES_MAX_SILENCE_MS = 5 * MINUTE_MS  # no trade this long: the trade feed counts as missing
FUNDING_MAX_AGE_MS = 2 * HOUR_MS
OI_MAX_AGE_MS = 26 * HOUR_MS  # asset contexts arrive about daily
LARGE_TRADE_NOTIONAL = 100_000.0  # USD
TOP_WALLETS = 5
HTF_MS = HOUR_MS  # the higher timeframe joined at its close
VENUE_FUNDING_MAX_AGE_MS = 9 * HOUR_MS  # venues settle every 8 hours
VENUE_OI_MAX_AGE_MS = 2 * HOUR_MS
WALLET_FILLS_MAX_SILENCE_MS = HOUR_MS  # no tracked wallet filled in the coin this long: missing
WALLET_POSITION_MAX_AGE_MS = DAY_MS  # a wallet's last fill older than this: its position is not counted
WALLET_CLASS_MAX_AGE_MS = 2 * DAY_MS  # profiles older than this at the day's start: classes missing

INF = math.inf


@dataclass(frozen=True)
class Feature:
    name: str
    group: str  # the module function that computes it (see compute.GROUPS)
    inputs: tuple[str, ...]
    lookback: int = 0  # bars before the current one
    window_ms: int = 0  # further lookback in time
    lo: float = -INF
    hi: float = INF
    doc: str = ""

    def lookback_ms(self, bar: str) -> int:
        return self.lookback * bar_ms(bar) + self.window_ms

    def lookback_bars(self, bar: str) -> int:
        """The whole lookback in bars, rounded up."""
        return self.lookback + -(-self.window_ms // bar_ms(bar))


def _f(name, group, inputs, lookback=0, window_ms=0, lo=-INF, hi=INF, doc=""):
    return Feature(name, group, tuple(inputs), lookback, window_ms, lo, hi, doc)


_C = ("candles",)
FEATURES: tuple[Feature, ...] = (
    _f("ret_1", "candles", _C, 1, lo=-1, hi=1, doc="log return over 1 bar"),
    _f("ret_5", "candles", _C, 5, lo=-2, hi=2, doc="log return over 5 bars"),
    _f("ret_15", "candles", _C, 15, lo=-2, hi=2, doc="log return over 15 bars"),
    _f("ret_60", "candles", _C, 60, lo=-3, hi=3, doc="log return over 60 bars"),
    _f(
        "rv_15",
        "candles",
        _C,
        15,
        lo=0,
        hi=3,
        doc="realized volatility: root of summed squared 1-bar returns, 15 bars",
    ),
    _f("rv_60", "candles", _C, 60, lo=0, hi=5, doc="realized volatility over 60 bars"),
    _f("range_1", "candles", _C, 0, lo=0, hi=2, doc="(high - low) / close"),
    _f("atr_14", "candles", _C, 14, lo=0, hi=2, doc="mean true range over 14 bars / close"),
    _f(
        "rsi_14",
        "candles",
        _C,
        14,
        lo=0,
        hi=100,
        doc="RSI from 14-bar sums of gains and losses (50 when flat)",
    ),
    _f("macd", "candles", _C, 25, lo=-1, hi=1, doc="(12-bar mean - 26-bar mean of close) / close"),
    _f("macd_hist", "candles", _C, 33, lo=-1, hi=1, doc="macd minus its 9-bar mean"),
    _f(
        "volume_z_60",
        "candles",
        _C,
        59,
        lo=-10,
        hi=10,
        doc="z-score of log(1 + volume) in a 60-bar window (0 when flat)",
    ),
    _f(
        "trades_z_60",
        "candles",
        _C,
        59,
        lo=-10,
        hi=10,
        doc="z-score of log(1 + trade count) in a 60-bar window",
    ),
    _f("body", "candles", _C, 0, lo=-1, hi=1, doc="(close - open) / (high - low), 0 for a flat bar"),
    _f("upper_wick", "candles", _C, 0, lo=0, hi=1, doc="(high - max(open, close)) / (high - low)"),
    _f("lower_wick", "candles", _C, 0, lo=0, hi=1, doc="(min(open, close) - low) / (high - low)"),
    _f("htf_ret_1h", "htf", _C, 0, 2 * HTF_MS, lo=-3, hi=3, doc="log return of the last closed hour"),
    _f(
        "htf_range_1h",
        "htf",
        _C,
        0,
        2 * HTF_MS,
        lo=0,
        hi=3,
        doc="(high - low) / close of the last closed hour",
    ),
    _f(
        "spread_bps",
        "book",
        ("book",),
        0,
        BOOK_MAX_AGE_MS,
        lo=0,
        hi=1000,
        doc="best ask - best bid over mid, bps",
    ),
    _f(
        "depth_10bps",
        "book",
        ("book",),
        0,
        BOOK_MAX_AGE_MS,
        lo=0,
        doc="USD resting within 10 bps of mid, both sides",
    ),
    _f("depth_25bps", "book", ("book",), 0, BOOK_MAX_AGE_MS, lo=0, doc="USD resting within 25 bps of mid"),
    _f("depth_50bps", "book", ("book",), 0, BOOK_MAX_AGE_MS, lo=0, doc="USD resting within 50 bps of mid"),
    _f(
        "imbalance_l0",
        "book",
        ("book",),
        0,
        BOOK_MAX_AGE_MS,
        lo=-1,
        hi=1,
        doc="(bid - ask size) / sum at the best level",
    ),
    _f(
        "imbalance_top5",
        "book",
        ("book",),
        0,
        BOOK_MAX_AGE_MS,
        lo=-1,
        hi=1,
        doc="the same over the top 5 levels",
    ),
    _f(
        "microprice_dev_bps",
        "book",
        ("book",),
        0,
        BOOK_MAX_AGE_MS,
        lo=-500,
        hi=500,
        doc="size-weighted microprice - mid, bps",
    ),
    _f(
        "book_age_s",
        "book",
        ("book",),
        0,
        BOOK_MAX_AGE_MS,
        lo=0,
        hi=BOOK_MAX_AGE_MS / 1000,
        doc="age of the snapshot used",
    ),
    _f(
        "signed_volume",
        "trades",
        ("trades",),
        0,
        TRADES_MAX_SILENCE_MS,
        doc="aggressor-signed base volume in the bar",
    ),
    _f(
        "flow_imbalance",
        "trades",
        ("trades",),
        0,
        TRADES_MAX_SILENCE_MS,
        lo=-1,
        hi=1,
        doc="signed / total volume (0 without trades)",
    ),
    _f(
        "flow_imbalance_15",
        "trades",
        ("trades",),
        14,
        TRADES_MAX_SILENCE_MS,
        lo=-1,
        hi=1,
        doc="signed / total volume over 15 bars",
    ),
    _f(
        "trade_count_imbalance",
        "trades",
        ("trades",),
        0,
        TRADES_MAX_SILENCE_MS,
        lo=-1,
        hi=1,
        doc="(buys - sells) / trades",
    ),
    _f(
        "large_trades",
        "trades",
        ("trades",),
        0,
        TRADES_MAX_SILENCE_MS,
        lo=0,
        doc="trades of at least LARGE_TRADE_NOTIONAL USD",
    ),
    _f(
        "distinct_wallets",
        "trades",
        ("trades",),
        0,
        TRADES_MAX_SILENCE_MS,
        lo=0,
        doc="distinct buyers and sellers in the bar",
    ),
    _f(
        "top_wallet_share",
        "trades",
        ("trades",),
        0,
        TRADES_MAX_SILENCE_MS,
        lo=0,
        hi=1,
        doc="share of the bar's volume traded by its TOP_WALLETS largest wallets",
    ),
    _f(
        "funding_rate",
        "context",
        ("funding",),
        0,
        FUNDING_MAX_AGE_MS,
        lo=-0.05,
        hi=0.05,
        doc="last hourly funding rate",
    ),
    _f(
        "funding_change_8h",
        "context",
        ("funding",),
        0,
        8 * HOUR_MS + FUNDING_MAX_AGE_MS,
        lo=-0.1,
        hi=0.1,
        doc="funding rate now minus 8 hours ago",
    ),
    _f("premium", "context", ("premium",), 0, FUNDING_MAX_AGE_MS, lo=-0.5, hi=0.5, doc="last premium"),
    _f(
        "premium_change_1h",
        "context",
        ("premium",),
        0,
        HOUR_MS + FUNDING_MAX_AGE_MS,
        lo=-1,
        hi=1,
        doc="premium now minus 1 hour ago",
    ),
    _f(
        "oi_change_24h",
        "context",
        ("oi",),
        0,
        24 * HOUR_MS + OI_MAX_AGE_MS,
        lo=-5,
        hi=5,
        doc="log change of open interest over 24 hours",
    ),
    _f("btc_ret_1", "cross", ("btc",), 1, lo=-1, hi=1, doc="the reference coin's 1-bar log return"),
    _f("btc_ret_15", "cross", ("btc",), 15, lo=-2, hi=2, doc="the reference coin's 15-bar log return"),
    _f(
        "beta_btc_60",
        "cross",
        ("candles", "btc"),
        60,
        lo=-20,
        hi=20,
        doc="rolling beta of 1-bar returns to the reference coin's, 60 bars",
    ),
    _f("corr_btc_60", "cross", ("candles", "btc"), 60, lo=-1, hi=1, doc="rolling correlation of the same"),
    _f(
        "venue_basis_bps",
        "venues",
        ("candles", "venues"),
        0,
        lo=-1000,
        hi=1000,
        doc="close over the venues' oracle-weighted median close - 1, bps",
    ),
    _f("venue_ret_5", "venues", ("venues",), 5, lo=-2, hi=2, doc="the venues' median log return over 5 bars"),
    _f(
        "venue_lead_lag_5",
        "venues",
        ("candles", "venues"),
        5,
        lo=-2,
        hi=2,
        doc="own 5-bar log return minus the venues' median's",
    ),
    _f(
        "funding_spread_hourly",
        "venues",
        ("funding", "venue_funding"),
        0,
        VENUE_FUNDING_MAX_AGE_MS,
        lo=-0.1,
        hi=0.1,
        doc="hourly funding minus the venues' mean rate normalised to an hour",
    ),
    _f(
        "oi_share",
        "venues",
        ("oi", "venue_oi"),
        0,
        OI_MAX_AGE_MS,
        lo=0,
        hi=1,
        doc="open interest over its own plus the venues' (in the coin's units)",
    ),
    _f(
        "whale_net_flow",
        "wallets",
        ("wallet_fills", "wallet_classes"),
        0,
        WALLET_CLASS_MAX_AGE_MS,
        doc="base volume whales bought minus sold in the bar",
    ),
    _f(
        "smart_money_net_position",
        "wallets",
        ("wallet_fills", "wallet_classes"),
        0,
        WALLET_CLASS_MAX_AGE_MS,
        doc="smart-money wallets' summed signed position at the bar's close (base units)",
    ),
    _f(
        "mm_inventory",
        "wallets",
        ("wallet_fills", "wallet_classes"),
        0,
        WALLET_CLASS_MAX_AGE_MS,
        doc="market makers' summed signed position at the bar's close (base units)",
    ),
    _f(
        "liquidation_volume",
        "wallets",
        ("wallet_fills",),
        0,
        WALLET_FILLS_MAX_SILENCE_MS,
        lo=0,
        doc="base volume of the bar's fills closing a liquidated wallet's position",
    ),
    _f("hour_of_day", "calendar", (), lo=0, hi=23, doc="UTC hour of the bar's open"),
    _f("day_of_week", "calendar", (), lo=0, hi=6, doc="UTC weekday of the bar's open, Monday 0"),
)
REGISTRY: dict[str, Feature] = {f.name: f for f in FEATURES}
FLAGS: tuple[str, ...] = tuple(f"{name}_missing" for name in INPUT_DATASETS)
"""One boolean column per input: set where that input was missing at the bar."""


def bar_ms(bar: str) -> int:
    if bar not in BARS:
        raise ConfigError(f"unknown bar {bar!r}; features are computed on {BARS}")
    return INTERVAL_MS[bar]


def resolve(names: Iterable[str] | None = None) -> list[Feature]:
    """The features named (all when None), in registry order; an unknown name raises naming it."""
    if names is None:
        return list(FEATURES)
    names = list(names)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise ConfigError(f"unknown feature(s) {unknown}; the registry holds {sorted(REGISTRY)}")
    return [f for f in FEATURES if f.name in set(names)]


def with_inputs(features: Iterable[Feature], absent: Iterable[str]) -> list[Feature]:
    """`features` without those reading an optional input in `absent` (no venue data in a window)."""
    gone = set(absent) & set(OPTIONAL_INPUTS)
    return [f for f in features if not gone & set(f.inputs)]


def input_lookback_ms(features: Iterable[Feature], bar: str) -> dict[str, int]:
    """For each lake dataset the features read: how far before a window's start they look (ms)."""
    out: dict[str, int] = {}
    for f in features:
        for name in f.inputs:
            dataset = INPUT_DATASETS[name]
            out[dataset] = max(out.get(dataset, 0), f.lookback_ms(bar))
    return out


def lookback_days(bar: str = "1m") -> dict[str, int]:
    """Per dataset: how many earlier daily partitions a day's features read besides the day itself."""
    return {dataset: -(-reach // DAY_MS) for dataset, reach in input_lookback_ms(FEATURES, bar).items()}
