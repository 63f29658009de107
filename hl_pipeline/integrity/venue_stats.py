"""Per coin-day venue statistics after Cong, Li, Tang & Yang (2023): first-significant-digit
(Benford) fit of trade notionals, round-size clustering, the trade-size tail exponent and the
time-of-trade pattern, each with its statistic and p-value (reference/wallets-and-integrity.md
section 3). Aloosh & Li (2024) found the tail test misleading on ground truth: weigh it low."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from hl_pipeline.integrity.events import epoch_ms

BENFORD = np.log10(1.0 + 1.0 / np.arange(1, 10))
TAIL_QUANTILE = 0.9  # the tail fit uses trades above this quantile of notional (x_min)


def first_digits(x: np.ndarray) -> np.ndarray:
    """First significant digit (1-9) of each positive value."""
    x = x[x > 0]
    return (x / 10.0 ** np.floor(np.log10(x))).astype(np.int64).clip(1, 9)


def benford(notional: np.ndarray) -> dict[str, float]:
    """Chi-square (df 8) of the first digits against Benford's law, its p-value, and Nigrini's MAD
    (<= 0.006 close, <= 0.012 acceptable, <= 0.015 marginal, above: non-conforming)."""
    d = first_digits(notional)
    if not d.size:
        return {"benford_chi2": np.nan, "benford_p": np.nan, "benford_mad": np.nan}
    share = np.bincount(d, minlength=10)[1:] / d.size
    chi2 = float(d.size * np.sum((share - BENFORD) ** 2 / BENFORD))
    return {
        "benford_chi2": chi2,
        "benford_p": float(stats.chi2.sf(chi2, 8)),
        "benford_mad": float(np.mean(np.abs(share - BENFORD))),
    }


def round_sizes(sz: np.ndarray, sz_decimals: int) -> dict[str, float]:
    """Round-size clustering: trades at one-significant-digit sizes (1, 0.5, 300, ...) against their
    two-significant-digit neighbours (0.9 and 1.1 of 1): the ratio of the round count to the
    neighbours' mean, and a one-sided binomial p-value (each of the three equally likely under no
    clustering). Sizes are in lots so the exchange's size step is respected."""
    lots = np.round(sz * 10.0**sz_decimals).astype(np.int64)
    lots = lots[lots >= 10]
    if not lots.size:
        return {"round_share": np.nan, "round_ratio": np.nan, "round_p": np.nan}
    values, counts = np.unique(lots, return_counts=True)
    count = dict(zip(values.tolist(), counts.tolist()))
    scale = 10 ** np.floor(np.log10(values)).astype(np.int64)
    roundish = values % scale == 0
    at = neighbours = 0
    for v, s in zip(values[roundish].tolist(), scale[roundish].tolist()):
        step = s // 10
        at += count[v]
        neighbours += count.get(v - step, 0) + count.get(v + step, 0)
    total = at + neighbours
    return {
        "round_share": float(at / lots.size),
        "round_ratio": float(at / (neighbours / 2)) if neighbours else np.nan,
        "round_p": float(stats.binom.sf(at - 1, total, 1 / 3)) if total else np.nan,
    }


def tail_exponent(notional: np.ndarray) -> dict[str, float]:
    """Power-law tail P(X > x) ~ x^-alpha above x_min (the 90th percentile): the maximum-likelihood
    (Hill) alpha, and the Kolmogorov-Smirnov distance of the fit with its p-value."""
    x = np.sort(notional[notional > 0])
    if x.size < 50:
        return {"tail_alpha": np.nan, "tail_xmin": np.nan, "tail_ks": np.nan, "tail_ks_p": np.nan}
    xmin = float(np.quantile(x, TAIL_QUANTILE))
    tail = x[x >= xmin]
    alpha = float(tail.size / np.sum(np.log(tail / xmin)))
    ks = stats.kstest(tail, lambda v: 1.0 - (v / xmin) ** -alpha)
    return {
        "tail_alpha": alpha,
        "tail_xmin": xmin,
        "tail_ks": float(ks.statistic),
        "tail_ks_p": float(ks.pvalue),
    }


def time_of_trade(t_ms: np.ndarray) -> dict[str, float]:
    """Chi-square of the trades' second within the minute against uniform (df 59): clocked bots and
    scripted prints cluster on seconds."""
    if not t_ms.size:
        return {"second_chi2": np.nan, "second_p": np.nan}
    counts = np.bincount((t_ms // 1000) % 60, minlength=60)
    expected = t_ms.size / 60
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    return {"second_chi2": chi2, "second_p": float(stats.chi2.sf(chi2, 59))}


def venue_statistics(trades: pd.DataFrame, sz_decimals: int) -> dict[str, float]:
    """Every statistic of one coin-day of trades (columns time, px, sz)."""
    sz = trades["sz"].to_numpy(float)
    notional = trades["px"].to_numpy(float) * sz
    return {
        "trades": float(len(trades)),
        **benford(notional),
        **round_sizes(sz, sz_decimals),
        **tail_exponent(notional),
        **time_of_trade(epoch_ms(trades["time"]) if len(trades) else np.empty(0, np.int64)),
    }


def size_decimals(sz: np.ndarray, most: int = 8) -> int:
    """The fewest decimals that write every size exactly (the coin's size step, read off the data)."""
    for d in range(most + 1):
        if np.all(np.abs(sz * 10.0**d - np.round(sz * 10.0**d)) < 1e-6):
            return d
    return most
