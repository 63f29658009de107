"""The price path: log price as a sum of value-noise octaves, a pure function of time.

Octaves of a minute and longer are evaluated at minute boundaries and interpolated linearly
inside the minute; a 10-second octave adds the tick-level wiggle. Any time is computed
directly, so any past window costs the same as the present.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from hl_pipeline.simulator import signal as planted
from hl_pipeline.simulator.hashing import stream_key, uniform

MINUTE_MS = 60_000
SAMPLE_MS = 10_000
_DAY = 86_400_000
# Octave periods (ms); amplitude follows Brownian scaling sqrt(period / day).
OCTAVES_MS = (MINUTE_MS, 10 * MINUTE_MS, 3_600_000, 21_600_000, _DAY, 7 * _DAY, 30 * _DAY, 180 * _DAY)
_SHAPE = 0.9  # value noise has less variance than a random walk; this restores some


def _amp(daily_vol: float, period: int) -> float:
    return _SHAPE * daily_vol * np.sqrt(period / _DAY)


def _octave(key: np.uint64, t_ms: np.ndarray, period: int) -> np.ndarray:
    cell = t_ms // period
    lo = int(cell.min())
    grid = uniform(key, np.arange(lo, int(cell.max()) + 2)) * 2.0 - 1.0
    frac = (t_ms - cell * period) / period
    w = frac * frac * (3.0 - 2.0 * frac)
    i = cell - lo
    return grid[i] * (1.0 - w) + grid[i + 1] * w


def _at_minutes(
    seed: int, coin_id: int, start_px: float, daily_vol: float, minutes: np.ndarray, signal: float
) -> np.ndarray:
    t = minutes * MINUTE_MS
    out = np.full(t.shape, np.log(start_px))
    if signal:
        out += planted.offset(seed, coin_id, daily_vol, signal, minutes)
    for k, period in enumerate(OCTAVES_MS):
        out += _amp(daily_vol, period) * _octave(stream_key(seed, coin_id, 1, k), t, period)
    return out


def _wiggle(seed: int, coin_id: int, daily_vol: float, t_ms: np.ndarray) -> np.ndarray:
    return _amp(daily_vol, SAMPLE_MS) * _octave(stream_key(seed, coin_id, 1, 99), t_ms, SAMPLE_MS)


def log_price(
    seed: int, coin_id: int, start_px: float, daily_vol: float, t_ms: ArrayLike, signal: float = 0.0
) -> np.ndarray:
    """Natural log of the unrounded price at each time in `t_ms` (int64 ms).

    `signal` is the planted signal's strength.
    """
    t = np.asarray(t_ms, dtype=np.int64)
    if t.size == 0:
        return np.empty(t.shape)
    m = t // MINUTE_MS
    knots = np.unique(np.concatenate([m.ravel(), m.ravel() + 1]))
    at = _at_minutes(seed, coin_id, start_px, daily_vol, knots, signal)
    f = (t - m * MINUTE_MS) / MINUTE_MS
    lo, hi = at[np.searchsorted(knots, m)], at[np.searchsorted(knots, m + 1)]
    return lo * (1.0 - f) + hi * f + _wiggle(seed, coin_id, daily_vol, t)


def grid_log_prices(
    seed: int,
    coin_id: int,
    start_px: float,
    daily_vol: float,
    m0: int,
    m1: int,
    per_minute: int,
    signal: float = 0.0,
) -> np.ndarray:
    """`log_price` on the regular grid of `per_minute` samples in each minute of [m0, m1): shape (m, k)."""
    at = _at_minutes(seed, coin_id, start_px, daily_vol, np.arange(m0, m1 + 1, dtype=np.int64), signal)
    f = np.arange(per_minute) / per_minute
    coarse = at[:-1, None] * (1.0 - f) + at[1:, None] * f
    cells = np.arange(m0 * per_minute, m1 * per_minute, dtype=np.int64)  # 10 s cells: exact grid values
    wiggle = uniform(stream_key(seed, coin_id, 1, 99), cells) * 2.0 - 1.0
    return coarse + _amp(daily_vol, SAMPLE_MS) * wiggle.reshape(coarse.shape)


def price(
    seed: int, coin_id: int, start_px: float, daily_vol: float, t_ms: ArrayLike, signal: float = 0.0
) -> np.ndarray:
    """Unrounded price at each time in `t_ms`."""
    return np.exp(log_price(seed, coin_id, start_px, daily_vol, t_ms, signal))
