"""The stationary bootstrap (Politis and Romano 1994) of a return series, its block length chosen
from the data (Politis and White 2004, with Patton, Politis and White's 2009 correction).

Only sums of blocks are needed for means, variances and Sharpe ratios, so each replicate is
drawn as block starts and geometric lengths and summed from prefix sums of the series wrapped
around its end: memory is replicates x blocks, not replicates x bars.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CELLS = 4_000_000  # replicate x block cells drawn at once, and replicate x bar cells counted


def block_length(x: np.ndarray) -> float:
    """Expected block length of the stationary bootstrap for the mean of `x` (at least 1)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 8:
        return 1.0
    d = x - x.mean()
    var = float(d @ d) / n
    if var == 0:
        return 1.0
    k_n = max(5, int(np.ceil(np.log10(n))))
    m_max = int(np.ceil(np.sqrt(n))) + k_n
    lags = np.arange(1, min(m_max, n - 1) + 1)
    acf = np.array([float(d[:-k] @ d[k:]) / n / var for k in lags])
    bound = 2.0 * np.sqrt(np.log10(n) / n)
    small = np.abs(acf) < bound
    m_hat = len(lags)
    for i in range(len(lags) - k_n + 1):
        if small[i : i + k_n].all():
            m_hat = i  # the lag before the first run of k_n insignificant autocorrelations
            break
    m = min(2 * max(m_hat, 1), len(lags))
    k = np.arange(-m, m + 1)
    gamma = np.r_[acf[:m][::-1], 1.0, acf[:m]] * var
    flat = np.minimum(1.0, 2.0 * (1.0 - np.abs(k) / m))  # the flat-top window
    g = float(np.sum(flat * np.abs(k) * gamma))
    spectrum0 = float(np.sum(flat * gamma))
    if g == 0 or spectrum0 <= 0:
        return 1.0
    b = (2.0 * g * g / (2.0 * spectrum0 * spectrum0)) ** (1 / 3) * n ** (1 / 3)
    return float(np.clip(b, 1.0, n / 3))


@dataclass(frozen=True)
class Resampled:
    """Each replicate's mean and standard deviation of the (paired) columns of a series."""

    means: np.ndarray  # (n_boot, k)
    sds: np.ndarray  # (n_boot, k)
    block: float

    def sharpes(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.sds > 0, self.means / self.sds, 0.0)


def resample(x: np.ndarray, *, n_boot: int, seed: int, block: float | None = None) -> Resampled:
    """Stationary-bootstrap replicates of the columns of `x` (n bars x k series, drawn jointly so
    paired differences keep their pairing). `block` defaults to `block_length` of the first column."""
    x = np.asarray(x, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    n, k = x.shape
    if n == 0:
        raise ValueError("cannot bootstrap an empty series")
    b = block_length(x[:, 0]) if block is None else max(1.0, float(block))
    rng = np.random.default_rng(seed)
    values = np.concatenate([x, x * x], axis=1)  # each replicate needs sums of both
    blocks = int(np.ceil(n / b * 1.2)) + 16
    # short blocks: count how often each bar is drawn, then one product with the series; long ones:
    # sum the blocks from prefix sums, one random read per block edge
    by_coverage = 2 * blocks * k > n
    if not by_coverage:
        values = np.concatenate([np.zeros((1, 2 * k)), np.cumsum(np.concatenate([values, values]), axis=0)])
    chunk = max(1, _CELLS // (max(blocks, 2 * n + 1) if by_coverage else blocks * k))
    means, sds = np.empty((n_boot, k)), np.empty((n_boot, k))
    for lo in range(0, n_boot, chunk):
        starts, lengths = _blocks(rng, n, b, min(chunk, n_boot - lo), blocks)
        if by_coverage:
            sums = _coverage(starts, lengths, n) @ values / n  # (reps, 2k)
        else:
            sums = (values[starts + lengths] - values[starts]).sum(axis=1) / n
        s, q = sums[:, :k], sums[:, k:]
        means[lo : lo + len(s)] = s
        sds[lo : lo + len(s)] = np.sqrt(np.maximum(q - s * s, 0.0) * n / max(n - 1, 1))
    return Resampled(means, sds, b)


def _blocks(
    rng: np.random.Generator, n: int, b: float, reps: int, blocks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Block starts and lengths of `reps` replicates of n bars (the last block of each cut to fit)."""
    lengths = np.minimum(rng.geometric(1.0 / b, size=(reps, blocks)), n)
    while (short := lengths.sum(axis=1) < n).any():  # rare: top up the replicates that fell short
        extra = np.minimum(rng.geometric(1.0 / b, size=(reps, blocks)), n)
        lengths = np.concatenate([lengths, np.where(short[:, None], extra, 0)], axis=1)
    before = np.cumsum(lengths, axis=1) - lengths
    lengths = np.clip(n - before, 0, lengths)
    return rng.integers(0, n, size=lengths.shape), lengths


def _coverage(starts: np.ndarray, lengths: np.ndarray, n: int) -> np.ndarray:
    """(reps, n): how many times each bar is drawn by each replicate's blocks (a block runs from its
    start past the end of the series into its beginning). A replicate's sum of any series is then
    its coverage times the series: one sequential product instead of a random read per block."""
    reps = len(starts)
    width = 2 * n + 1
    offset = (np.arange(reps) * width)[:, None]
    edges = np.bincount((starts + offset).ravel(), minlength=reps * width) - np.bincount(
        (starts + lengths + offset).ravel(), minlength=reps * width
    )
    cover = np.cumsum(edges.reshape(reps, width)[:, : 2 * n], axis=1)
    return (cover[:, :n] + cover[:, n:]).astype(float)


def p_mean_positive(observed: float, replicate_means: np.ndarray) -> float:
    """One-sided p-value of a mean above zero: the share of replicates, centred on `observed`, at
    least as large as `observed`."""
    centred = replicate_means - observed
    return float((1 + np.sum(centred >= observed)) / (len(centred) + 1))


def paths(x: np.ndarray, at: np.ndarray, *, n_boot: int, seed: int, block: float | None = None) -> np.ndarray:
    """Cumulative sums of stationary-bootstrap replicates of `x` after the first `at` bars
    (1 <= at <= n, increasing): shape (n_boot, len(at))."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n == 0:
        raise ValueError("cannot bootstrap an empty series")
    b = block_length(x) if block is None else max(1.0, float(block))
    rng = np.random.default_rng(seed)
    total = np.concatenate([[0.0], np.cumsum(np.concatenate([x, x]))])
    blocks = int(np.ceil(n / b * 1.2)) + 16
    out = np.empty((n_boot, len(at)))
    for i in range(n_boot):
        starts, lengths = _blocks(rng, n, b, 1, blocks)
        starts, lengths = starts[0], lengths[0]
        ends = np.cumsum(lengths)
        sums = np.concatenate([[0.0], np.cumsum(total[starts + lengths] - total[starts])])
        j = np.searchsorted(ends, at, side="left")  # the block holding bar at - 1
        into = at - (ends[j] - lengths[j])
        out[i] = sums[j] + total[starts[j] + into] - total[starts[j]]
    return out
