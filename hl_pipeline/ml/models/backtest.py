"""Backtest of direction predictions with costs, and a Monte Carlo band for its equity curve.

Positions are sign(score) per coin (long, short or flat), rebalanced every `horizon_bars` bars so
that held periods do not overlap and each earns the realized forward return over the horizon;
the portfolio weights coins equally. Costs are (fee + slippage) bps per unit of position change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hl_pipeline.errors import ConfigError, PreconditionError
from hl_pipeline.ml.models.config import BacktestConfig

YEAR_MS = 365 * 86_400_000


@dataclass
class Backtest:
    stats: dict[str, float]  # sharpe, max_drawdown, hit_rate, turnover, total_return, periods, cost_bps
    equity: pd.DataFrame  # time, equity, band_lo, band_hi


def run(
    preds: pd.DataFrame,
    *,
    ret: str,
    horizon_bars: int,
    score: str = "score",
    config: BacktestConfig = BacktestConfig(),
) -> Backtest:
    """Backtest `preds` (columns coin, time, `score`, `ret`) at one rebalance per horizon."""
    missing = [c for c in ("coin", "time", score, ret) if c not in preds.columns]
    if missing:
        raise ValueError(f"predictions lack columns {missing}")
    if horizon_bars < 1:
        raise ConfigError(f"horizon_bars must be >= 1, got {horizon_bars!r}")
    rows = preds.dropna(subset=[score, ret])
    if rows.empty:
        raise PreconditionError("no predictions with a realized return to backtest")
    times = np.sort(rows["time"].unique())
    rows = rows[rows["time"].isin(times[::horizon_bars])].sort_values(["coin", "time"])
    pos = np.sign(rows[score].to_numpy(dtype=float))
    coin = rows["coin"].to_numpy()
    first = np.r_[True, coin[1:] != coin[:-1]]  # each coin starts flat
    change = np.abs(pos - np.where(first, 0.0, np.r_[0.0, pos[:-1]]))
    cost = (config.fee_bps + config.slippage_bps) / 1e4
    gross = pos * rows[ret].to_numpy(dtype=float)
    per_row = pd.DataFrame(
        {
            "time": rows["time"].to_numpy(),
            "net": gross - cost * change,
            "turn": change,
            "hit": np.where(pos != 0, gross > 0, np.nan),
        }
    )
    period = per_row.groupby("time", sort=True).agg(net=("net", "mean"), turn=("turn", "mean"))
    r = period["net"].to_numpy()
    equity = np.cumprod(1.0 + r)
    per_year = YEAR_MS / (config.bar_ms * horizon_bars)
    sd = r.std(ddof=1) if len(r) > 1 else 0.0
    stats = {
        "sharpe": float(r.mean() / sd * np.sqrt(per_year)) if sd > 0 else float("nan"),
        "max_drawdown": float(np.min(equity / np.maximum.accumulate(np.r_[1.0, equity])[1:] - 1.0)),
        "hit_rate": float(np.nanmean(per_row["hit"])) if per_row["hit"].notna().any() else float("nan"),
        "turnover": float(period["turn"].mean()),
        "total_return": float(equity[-1] - 1.0),
        "periods": float(len(r)),
        "cost_bps": float(config.fee_bps + config.slippage_bps),
    }
    lo, hi = monte_carlo_band(r, config)
    curve = pd.DataFrame({"time": period.index, "equity": equity, "band_lo": lo, "band_hi": hi})
    return Backtest(stats, curve)


def monte_carlo_band(r: np.ndarray, config: BacktestConfig) -> tuple[np.ndarray, np.ndarray]:
    """Quantile band of equity curves built from period returns resampled with replacement."""
    rng = np.random.default_rng(config.seed)
    paths = np.cumprod(1.0 + r[rng.integers(0, len(r), size=(config.n_paths, len(r)))], axis=1)
    lo, hi = np.quantile(paths, config.band, axis=0)
    return lo, hi
