"""Backtest of the strategy as served (trading.py) on every out-of-sample bar, with a stationary-
bootstrap confidence band, interval and p-value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hl_pipeline.errors import PreconditionError
from hl_pipeline.ml.models.bootstrap import p_mean_positive, paths, resample
from hl_pipeline.ml.models.config import BacktestConfig, TradingConfig
from hl_pipeline.ml.models.metrics import per_year as per_year_of
from hl_pipeline.ml.models.trading import COST_COLUMNS, portfolio_returns

CURVE_POINTS = 400  # points of the equity curve and its band


@dataclass
class Backtest:
    stats: dict[str, float]
    equity: pd.DataFrame  # time, equity, band_lo, band_hi
    returns: pd.DataFrame  # per bar: time, position, turnover, gross, costs, net, coins


def run(
    bars: pd.DataFrame,
    *,
    score: str,
    hold_bars: int,
    trading: TradingConfig = TradingConfig(),
    config: BacktestConfig = BacktestConfig(),
) -> Backtest:
    """Trade `score` (expected direction in [-1, 1]) on every bar of `bars` (columns coin, time, `score`
    and the market columns) as served; annualised Sharpe with its bootstrap interval, net and gross
    compounded returns, each cost, drawdown, hit rate, turnover, exposure."""
    missing = [c for c in ("coin", "time", score) if c not in bars.columns]
    if missing:
        raise ValueError(f"predictions lack columns {missing}")
    if bars[score].notna().sum() == 0:
        raise PreconditionError("no predictions to backtest")
    per_bar = portfolio_returns(bars, score, horizon_bars=hold_bars, config=trading)
    r = per_bar["net"].to_numpy()
    if len(r) < 3:
        raise PreconditionError(f"only {len(r)} bars to backtest")
    boot = resample(r, n_boot=config.n_boot, seed=config.seed)
    per_year = per_year_of(trading.bar_ms)
    lo_q, hi_q = config.band
    sharpe_lo, sharpe_hi = np.quantile(boot.sharpes()[:, 0], [lo_q, hi_q]) * per_year
    equity = np.cumprod(1.0 + r)
    sd = r.std(ddof=1)
    held = per_bar["position"].to_numpy() != 0
    stats = {
        "net_sharpe": float(r.mean() / sd * per_year) if sd > 0 else 0.0,
        "net_sharpe_lo": float(sharpe_lo),
        "net_sharpe_hi": float(sharpe_hi),
        "p_value": p_mean_positive(float(r.mean()), boot.means[:, 0]),
        "net_return": float(equity[-1] - 1.0),
        "gross_return": float(np.prod(1.0 + per_bar["gross"].to_numpy()) - 1.0),
        **{f"cost_{c}": float(per_bar[c].sum()) for c in COST_COLUMNS},
        "max_drawdown": float(np.min(equity / np.maximum.accumulate(np.r_[1.0, equity])[1:] - 1.0)),
        "hit_rate": float(np.mean(per_bar["gross"].to_numpy()[held] > 0)) if held.any() else float("nan"),
        "turnover": float(per_bar["turnover"].mean()),
        "exposure": float(np.mean(held)),
        "bars": float(len(r)),
        "block_bars": float(boot.block),
    }
    return Backtest(stats, _curve(per_bar["time"], r, equity, boot.block, config), per_bar)


def _curve(
    times: pd.Series, r: np.ndarray, equity: np.ndarray, block: float, config: BacktestConfig
) -> pd.DataFrame:
    """The equity curve at up to CURVE_POINTS bars, with the band of bootstrap paths of log growth."""
    n = len(r)
    at = np.unique(np.linspace(1, n, min(CURVE_POINTS, n)).round().astype(np.int64))
    grown = paths(np.log1p(r), at, n_boot=config.n_boot, seed=config.seed, block=block)
    lo, hi = np.exp(np.quantile(grown, config.band, axis=0))
    return pd.DataFrame(
        {"time": times.to_numpy()[at - 1], "equity": equity[at - 1], "band_lo": lo, "band_hi": hi}
    )
