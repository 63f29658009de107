"""Stylised facts of simulated 1m candles: the statistics the null-market test and benchmark share."""

from __future__ import annotations

import numpy as np

from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.minutes import minute_candles
from hl_pipeline.simulator.pricepath import season

DAY_MIN = 1440


def log_closes(seed: int, m0: int, m1: int, strength: float = 0.0) -> np.ndarray:
    """Log 1m candle closes of every default coin over minutes [m0, m1): shape (coins, m1 - m0)."""
    coins = SimulatorConfig(seed=seed, signal_strength=strength).coins
    return np.log([minute_candles(seed, i, spec, m0, m1).c for i, spec in enumerate(coins)])


def returns(seed: int, m0: int, m1: int, strength: float = 0.0) -> np.ndarray:
    """Close-to-close 1m log returns of every default coin: shape (coins, m1 - m0 - 1)."""
    return np.diff(log_closes(seed, m0, m1, strength), axis=1)


def acf(x: np.ndarray, lags: range) -> np.ndarray:
    """Sample autocorrelation of a series at each lag."""
    x = x - x.mean()
    return np.array([x[:-k] @ x[k:] for k in lags]) / (x @ x)


def robust_z(x: np.ndarray, y: np.ndarray, lag: int) -> float:
    """sum x[t] y[t + lag] over its heteroskedasticity-robust standard error: ~N(0, 1) for a martingale."""
    prod = (x - x.mean())[: len(x) - lag] * (y - y.mean())[lag:]
    return float(prod.sum() / np.sqrt((prod**2).sum()))


def excess_kurtosis(x: np.ndarray) -> float:
    """Fourth standardised moment minus 3."""
    z = (x - x.mean()) / x.std()
    return float((z**4).mean() - 3.0)


def cross_corr(x: np.ndarray, y: np.ndarray, lag: int = 0) -> float:
    """corr(x[t], y[t + lag])."""
    return float(np.corrcoef(x[: len(x) - lag], y[lag:])[0, 1])


def pair_corrs(r: np.ndarray, lag: int = 0) -> np.ndarray:
    """cross_corr over every ordered pair of distinct rows of `r` (coins)."""
    n = len(r)
    return np.array([cross_corr(r[i], r[j], lag) for i in range(n) for j in range(n) if i != j])


def season_corr(r: np.ndarray, m0: int) -> float:
    """Correlation of mean |r| per UTC hour with the season profile (`r[k]` ends at minute m0 + k + 1)."""
    hours = ((m0 + 1 + np.arange(r.shape[-1])) % DAY_MIN) // 60
    profile = np.array([np.abs(r[..., hours == h]).mean() for h in range(24)])
    return float(np.corrcoef(profile, season(np.arange(24) * 60 + 30))[0, 1])


def momentum_pairs(closes: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """(1m return ending at each close, the next `horizon` minutes' return), pooled over rows."""
    ret = closes[:, 1:-horizon] - closes[:, : -horizon - 1]
    fwd = closes[:, 1 + horizon :] - closes[:, 1:-horizon]
    return ret.ravel(), fwd.ravel()
