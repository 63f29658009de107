"""Evidence against luck: multiple-testing corrections, the deflated Sharpe ratio and the
probability of backtest overfitting."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from hl_pipeline.errors import ConfigError

EULER_GAMMA = 0.5772156649015329
CORRECTIONS = ("holm", "bh")


def adjust(p_values: list[float], method: str = "holm") -> list[float]:
    """p-values adjusted for testing them together: Holm's step-down (family-wise error) or
    Benjamini-Hochberg's step-up (false discovery rate). NaN stays NaN and is not counted."""
    if method not in CORRECTIONS:
        raise ConfigError(f"unknown correction {method!r}; expected one of {CORRECTIONS}")
    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = len(ok)
    if m == 0:
        return out.tolist()
    order = ok[np.argsort(p[ok], kind="stable")]
    ranked = p[order]
    if method == "holm":
        scaled = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:
        scaled = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    out[order] = np.minimum(scaled, 1.0)
    return out.tolist()


def deflated_sharpe(returns: np.ndarray, trial_sharpes: np.ndarray, n_trials: int) -> float:
    """Probability that the true Sharpe ratio of `returns` exceeds the best of `n_trials` unskilled
    trials (Bailey and Lopez de Prado 2014). `trial_sharpes` (per bar, like the returns') estimate the
    variance of Sharpe ratios across trials; skewness and kurtosis come from `returns`."""
    from scipy.stats import kurtosis, norm, skew

    r = np.asarray(returns, dtype=float)
    t = len(r)
    sd = r.std(ddof=1) if t > 1 else 0.0
    if t < 3 or sd == 0:
        return float("nan")
    sr = r.mean() / sd
    trials = np.asarray(trial_sharpes, dtype=float)
    trials = trials[np.isfinite(trials)]
    if n_trials > 1 and len(trials) > 1:
        spread = np.sqrt(trials.var(ddof=1))
        expected_max = (1 - EULER_GAMMA) * norm.ppf(1 - 1 / n_trials) + EULER_GAMMA * norm.ppf(
            1 - 1 / (n_trials * np.e)
        )
        sr0 = spread * expected_max
    else:
        sr0 = 0.0
    g3, g4 = float(skew(r)), float(kurtosis(r, fisher=False))
    denominator = 1 - g3 * sr + (g4 - 1) / 4 * sr * sr
    if denominator <= 0:
        return float("nan")
    return float(norm.cdf((sr - sr0) * np.sqrt(t - 1) / np.sqrt(denominator)))


def backtest_overfitting(returns: np.ndarray, n_splits: int = 8) -> float:
    """Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey,
    Borwein, Lopez de Prado and Zhu 2017): the bars x trials matrix is cut into `n_splits` blocks;
    for each half of the blocks the best trial in-sample is ranked out-of-sample; PBO is the share
    of halves where it ranks at or below the median. NaN with fewer than two trials."""
    m = np.asarray(returns, dtype=float)
    if m.ndim != 2 or m.shape[1] < 2 or m.shape[0] < 2 * n_splits:
        return float("nan")
    if n_splits < 2 or n_splits % 2:
        raise ConfigError(f"n_splits must be an even number >= 2, got {n_splits!r}")
    # per block and trial: bars, sum and sum of squares, so each half's Sharpe ratios are sums
    parts = np.array_split(m, n_splits)
    stats = np.stack(
        [np.stack([np.full(m.shape[1], len(p)), p.sum(axis=0), (p * p).sum(axis=0)]) for p in parts]
    )
    total = stats.sum(axis=0)
    n = m.shape[1]
    logits = []
    for chosen in combinations(range(n_splits), n_splits // 2):
        inside = stats[list(chosen)].sum(axis=0)
        inside_sharpe, outside_sharpe = _sharpe(inside), _sharpe(total - inside)
        best = int(np.argmax(inside_sharpe))
        rank = 1 + np.sum(outside_sharpe < outside_sharpe[best])  # 1 = worst
        omega = rank / (n + 1)
        logits.append(np.log(omega / (1 - omega)))
    return float(np.mean(np.array(logits) <= 0))


def _sharpe(stats: np.ndarray) -> np.ndarray:
    """Per-bar Sharpe ratio (sample deviation) of each trial from its (bars, sum, sum of squares)."""
    n, total, squares = stats
    mean = total / n
    var = np.maximum(squares - n * mean * mean, 0.0) / np.maximum(n - 1, 1)
    sd = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, mean / sd, 0.0)
