"""The strategy as served: the position rule of predictions, traded on every bar with a delay and costs.

A prediction made at the close of bar t is available then; it is acted on ``latency_bars``
bars later and held for the target's horizon. Horizons longer than a bar overlap, so the
traded position is the mean of the last ``horizon_bars`` rule positions (one staggered
sub-book per bar of the horizon, the standard way to trade an h-bar signal on every bar).
Each bar earns ``position x (exp(bar log return) - 1)``; every change of position pays the
taker fee, half the spread of the newest book and an impact that grows with the traded
notional against the depth within 10 bps; a position held at an hour's close pays that hour's
funding (longs pay a positive rate). Returns are simple, so equity compounds as their product.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from hl_pipeline.errors import ConfigError
from hl_pipeline.ml.models.config import TradingConfig

HOUR_MS = 3_600_000
COST_COLUMNS = ("fee", "spread", "impact", "funding")


@dataclass(frozen=True)
class MarketColumns:
    """Where a bar's own log return, its book and its funding rate are in a frame."""

    bar_return: str = "ret_1"
    spread_bps: str = "spread_bps"
    depth_usd: str = "depth_10bps"
    funding_rate: str = "funding_rate"


def market_columns(frame: pd.DataFrame, market: MarketColumns = MarketColumns()) -> list[str]:
    """The market columns (bar return, book, funding) that `frame` has."""
    return [c for c in asdict(market).values() if c in frame.columns]


def position(score: np.ndarray, min_edge: float) -> np.ndarray:
    """The served rule: long when the expected direction exceeds `min_edge`, short below -`min_edge`,
    flat in between or without a score."""
    s = np.asarray(score, dtype=float)
    return np.where(s > min_edge, 1.0, np.where(s < -min_edge, -1.0, 0.0))


def coin_returns(
    bars: pd.DataFrame,
    score: np.ndarray,
    *,
    horizon_bars: int,
    config: TradingConfig,
    market: MarketColumns = MarketColumns(),
) -> pd.DataFrame:
    """Per-bar returns of one coin's bars (sorted by `time`; missing bars are put back as empty):
    columns time, position (held during the bar), turnover, gross, the costs and net."""
    if horizon_bars < 1:
        raise ConfigError(f"horizon_bars must be >= 1, got {horizon_bars!r}")
    t = _ms(bars["time"])
    bar = config.bar_ms
    slot = (t - t[0]) // bar
    n = int(slot[-1]) + 1 if len(t) else 0
    full = np.full(n, np.nan)

    def on_grid(values: np.ndarray) -> np.ndarray:
        out = full.copy()
        out[slot] = values
        return out

    rule = np.nan_to_num(on_grid(position(score, config.min_edge)))
    held = _held(rule, horizon_bars, config.latency_bars)
    r = on_grid(_column(bars, market.bar_return))
    spread = _filled(on_grid(_column(bars, market.spread_bps)), config.fallback_spread_bps)
    depth = _filled(on_grid(_column(bars, market.depth_usd)), config.fallback_depth_usd)
    funding = np.nan_to_num(_ffill(on_grid(_column(bars, market.funding_rate))))
    turn = np.abs(np.diff(held, prepend=0.0))
    # the trade for bar k is made at the close of bar k-1, against that bar's book
    spread_then, depth_then = np.r_[spread[0], spread[:-1]], np.r_[depth[0], depth[:-1]]
    notional = turn * config.capital_usd
    impact_bps = 10.0 * notional / np.maximum(depth_then, 1.0)
    time_ms = t[0] + np.arange(n) * bar
    on_hour = (time_ms + bar) % HOUR_MS == 0
    gross = held * np.expm1(np.nan_to_num(r))
    costs = {
        "fee": turn * config.taker_fee_bps / 1e4,
        "spread": turn * spread_then / 2e4,
        "impact": turn * impact_bps / 1e4,
        "funding": np.where(on_hour, held * funding, 0.0),
    }
    return pd.DataFrame(
        {
            "time": pd.to_datetime(time_ms, unit="ms", utc=True),
            "position": held,
            "turnover": turn,
            "gross": gross,
            **costs,
            "known": np.isfinite(r),
            "net": gross - sum(costs.values()),
        }
    )


def portfolio_returns(
    bars: pd.DataFrame,
    score_column: str,
    *,
    horizon_bars: int,
    config: TradingConfig,
    market: MarketColumns = MarketColumns(),
) -> pd.DataFrame:
    """Equal-weight portfolio over the coins of `bars` (columns coin, time, `score_column`, the market
    columns): per time, the mean of each column of `coin_returns` over the coins trading then."""
    parts = [
        coin_returns(
            rows,
            rows[score_column].to_numpy(dtype=float),
            horizon_bars=horizon_bars,
            config=config,
            market=market,
        ).assign(coin=coin)
        for coin, rows in _by_coin(bars)
    ]
    if len(parts) == 1:  # one coin (a target): its own returns, no regrouping
        return parts[0].drop(columns=["known", "coin"]).assign(coins=1)
    if not parts:
        return pd.DataFrame(columns=["time", "position", "turnover", "gross", *COST_COLUMNS, "net", "coins"])
    every = pd.concat(parts, ignore_index=True)
    numeric = ["position", "turnover", "gross", *COST_COLUMNS, "net"]
    out = every.groupby("time", sort=True)[numeric].mean()
    out["coins"] = every.groupby("time", sort=True)["coin"].size()
    return out.reset_index()


def _by_coin(bars: pd.DataFrame):
    """(coin, its rows by time) for each coin of `bars`; one coin is not regrouped."""
    if bars["coin"].nunique() == 1:
        yield bars["coin"].iloc[0], bars if bars["time"].is_monotonic_increasing else bars.sort_values("time")
        return
    yield from bars.sort_values(["coin", "time"]).groupby("coin", sort=True)


def _held(rule: np.ndarray, horizon: int, latency: int) -> np.ndarray:
    """Position during each bar: the mean rule position of the decisions made 1 + latency .. horizon +
    latency bars earlier."""
    if latency < 0:
        raise ConfigError(f"latency_bars must be >= 0, got {latency!r}")
    c = np.concatenate([[0.0], np.cumsum(rule)])
    k = np.arange(len(rule))
    hi = np.clip(k - latency, 0, len(rule))  # decisions at bars < k - latency
    lo = np.clip(k - latency - horizon, 0, len(rule))
    return (c[hi] - c[lo]) / horizon


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy(dtype=float) if name in frame else np.full(len(frame), np.nan)


def _ffill(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).ffill().to_numpy()


def _filled(values: np.ndarray, fallback: float) -> np.ndarray:
    return np.nan_to_num(_ffill(values), nan=fallback)


def _ms(times: pd.Series) -> np.ndarray:
    if isinstance(times.dtype, pd.DatetimeTZDtype):  # the lake's times: read the integers directly
        return times.array.as_unit("ms").asi8
    since = pd.to_datetime(times, utc=True) - pd.Timestamp(0, tz="UTC")
    return (since // pd.Timedelta(1, "ms")).to_numpy(dtype=np.int64)
