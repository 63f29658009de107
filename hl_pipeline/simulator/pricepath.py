"""The price path: a random walk in log price on a 10-second grid, a pure function of (seed, coin, time).

Each UTC day d moves the log price by D_d ~ N(0, V_d), with V_d = daily_vol^2 (1 + k n_d) and n_d
slow smooth noise over days (volatility regimes; the mean is exactly daily_vol^2). The day's 8640
10 s cells get variances v_c = V_d w_c, sum w = 1, w_c proportional to the intraday season squared
(the volume season of minutes.activity), exp(2 u_c) with u smooth log-volatility noise over hours
(volatility clustering) and rare variance jumps (fat tails). Cells draw X_c ~ N(0, v_c) and are
bridged to the day's total, Y_c = X_c - w_c (sum X - D_d), which leaves them independent N(0, v_c).
Direction normals mix a market stream shared by all coins with the coin's own (correlated coins),
and so do the volatility noises. Variances never depend on directions, so the grid values are a
martingale: returns are uncorrelated at every lag while |returns| cluster.

A grid value is log(start_px) + the sum of D from the listing day to its day + the day's cells before
it; a time between grid points interpolates linearly. Each (seed, coin, day) is computed once into a
bounded cache, so any past window costs the same as the present. The planted signal (signal.py) is
an offset at minute knots, interpolated inside the minute; a planted correlation break
(manipulation.py) an offset on the grid that swaps the market's share of the coin's direction normals
for an independent stream inside the break.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike

from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator import signal as planted
from hl_pipeline.simulator.config import LISTING_MS
from hl_pipeline.simulator.hashing import hash64, stream_key, uniform

MINUTE_MS = 60_000
SAMPLE_MS = 10_000
DAY_MS = 86_400_000
SAMPLES_PER_MINUTE = MINUTE_MS // SAMPLE_MS
CELLS = DAY_MS // SAMPLE_MS  # 10 s cells in a day
_ORIGIN_DAY = LISTING_MS // DAY_MS  # the path starts at start_px on this day
_MARKET = -1  # the "coin" of the streams every coin shares
_LOADING = 0.8  # weight of the market's direction normals in a coin's: same-minute correlation ~0.6
_SHARE = 0.7  # weight of the market's volatility noise in a coin's
_SEASON = 0.45  # intraday amplitude of volume and volatility, busiest mid-afternoon UTC
_REGIME, _REGIME_DAYS = 0.8, (7, 30)  # V_d = daily_vol^2 (1 + _REGIME n_d), n_d in [-1, 1]
_CLUSTER, _CLUSTER_MIN = 1.5, (60, 360)  # cell std scales by exp(_CLUSTER u), u in [-1, 1]
_CLUSTER_STEP = 5  # u is evaluated every 5 minutes and held
_JUMP_P, _JUMP = 0.012, 51.0  # a minute's chance of a jump (in one of its cells), the cell's variance factor
_BLOCK_DAYS = 128  # day totals are summed from the origin and cached a block of days at a time
_CACHE_DAYS = 256
_LOW24 = np.uint64(0xFFFFFF)
_DIRECTIONS, _TOTALS, _CLUSTERING, _REGIMES, _JUMPS, _DECOUPLED = 20, 21, 22, 23, 24, 25  # stream ids


def season(minutes: np.ndarray) -> np.ndarray:
    """Intraday activity factor of each minute index: mean 1, busiest mid-afternoon UTC."""
    hour = (minutes % 1440) / 60.0
    return 1.0 + _SEASON * np.sin((hour - 8.0) / 24.0 * 2 * np.pi)


_key = functools.lru_cache(maxsize=4096)(stream_key)


def _octave(seed: int, coin_id: int, stream: int, t: np.ndarray, period: int) -> np.ndarray:
    """Value noise in [-1, 1] with knots every `period` units of the integer times `t`.

    Each knot mixes the market's value (weight _SHARE) and the coin's.
    """
    cell = t // period
    knots = np.arange(int(cell.min()), int(cell.max()) + 2)
    mixed = _SHARE * uniform(_key(seed, _MARKET, stream, period), knots)
    mixed += (1.0 - _SHARE) * uniform(_key(seed, coin_id, stream, period), knots)
    grid = mixed * 2.0 - 1.0
    frac = (t - cell * period) / period
    w = frac * frac * (3.0 - 2.0 * frac)
    i = cell - knots[0]
    return grid[i] * (1.0 - w) + grid[i + 1] * w


def _smooth(seed: int, coin_id: int, stream: int, t: np.ndarray, periods: tuple[int, ...]) -> np.ndarray:
    """Mean of octaves of the given periods over `t`: values in [-1, 1]."""
    return np.mean([_octave(seed, coin_id, stream, t, p) for p in periods], axis=0)


def _gauss(key: np.uint64, start: int, n: int) -> np.ndarray:
    """Standard normals at indices [start, start + n): Box-Muller on two 24-bit halves of one hash per pair.

    float32 (its vectorised log, sin and cos are many times faster); the tail stops at 5.9 sigma.
    """
    bits = hash64(key, np.arange(start // 2, (start + n + 1) // 2, dtype=np.int64))
    u = ((bits >> np.uint64(40)).astype(np.float32) + np.float32(0.5)) * np.float32(2.0**-24)
    angle = (bits & _LOW24).astype(np.float32) * np.float32(2.0 * np.pi * 2.0**-24)
    radius = np.sqrt(np.float32(-2.0) * np.log(u))
    out = np.empty(2 * len(bits))
    out[0::2] = radius * np.cos(angle)
    out[1::2] = radius * np.sin(angle)
    return out[start % 2 : start % 2 + n]


def _directions(seed: int, coin_id: int, stream: int, start: int, n: int) -> np.ndarray:
    """Unit normals loading _LOADING on the market's stream, the rest on the coin's."""
    market = _gauss(_key(seed, _MARKET, stream), start, n)
    own = _gauss(_key(seed, coin_id, stream), start, n)
    return _LOADING * market + np.sqrt(1.0 - _LOADING**2) * own


@functools.lru_cache(maxsize=64)
def _days(seed: int, coin_id: int, block: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Days [lo, hi) from the origin day through block `block` of _BLOCK_DAYS days (negative: before it).

    Returns lo and each day's unit-vol V_d, D_d and log level at its start over the origin's.
    """
    start = _ORIGIN_DAY + block * _BLOCK_DAYS
    lo, hi = min(start, _ORIGIN_DAY), max(start + _BLOCK_DAYS, _ORIGIN_DAY)
    days = np.arange(lo, hi, dtype=np.int64)
    var = 1.0 + _REGIME * _smooth(seed, coin_id, _REGIMES, days, _REGIME_DAYS)
    total = np.sqrt(var) * _directions(seed, coin_id, _TOTALS, lo, hi - lo)
    cum = np.concatenate([[0.0], np.cumsum(total)])
    return lo, var, total, cum[:-1] - cum[_ORIGIN_DAY - lo]


def _weights(seed: int, coin_id: int, day: int) -> np.ndarray:
    """Each cell's share of the day's variance: season^2 x clustering x jumps, summing to 1."""
    minutes = day * 1440 + np.arange(1440, dtype=np.int64)
    cluster = _smooth(seed, coin_id, _CLUSTERING, minutes[::_CLUSTER_STEP], _CLUSTER_MIN)
    log_std = _CLUSTER * np.repeat(cluster, _CLUSTER_STEP)
    w = np.repeat(season(minutes) ** 2 * np.exp(2.0 * log_std), SAMPLES_PER_MINUTE)
    u = uniform(_key(seed, coin_id, _JUMPS), minutes)
    jump = np.flatnonzero(u < _JUMP_P)  # given a jump, u / _JUMP_P is uniform: it picks the cell
    w[jump * SAMPLES_PER_MINUTE + (u[jump] / _JUMP_P * SAMPLES_PER_MINUTE).astype(np.int64)] *= _JUMP
    return w / w.sum()


@functools.lru_cache(maxsize=_CACHE_DAYS)
def _day(seed: int, coin_id: int, day: int) -> np.ndarray:
    """Unit-vol log price (over the origin's) at the CELLS + 1 grid points of a day, both midnights."""
    lo, var, total, level = _days(seed, coin_id, (day - _ORIGIN_DAY) // _BLOCK_DAYS)
    i = day - lo
    w = _weights(seed, coin_id, day)
    x = np.sqrt(var[i] * w) * _directions(seed, coin_id, _DIRECTIONS, day * CELLS, CELLS)
    out = np.empty(CELLS + 1)
    out[0] = level[i]
    np.cumsum(x - w * (x.sum() - total[i]), out=out[1:])
    out[1:] += out[0]
    out.flags.writeable = False
    return out


def _grid(seed: int, coin_id: int, c0: int, c1: int) -> np.ndarray:
    """Unit-vol grid values at the cells [c0, c1) (cell index = time // SAMPLE_MS)."""
    parts = []
    for day in range(c0 // CELLS, -(-c1 // CELLS)):
        lo, hi = max(c0 - day * CELLS, 0), min(c1 - day * CELLS, CELLS)
        parts.append(_day(seed, coin_id, day)[lo:hi])
    return np.concatenate(parts) if parts else np.empty(0)


def _at(seed: int, coin_id: int, t: np.ndarray) -> np.ndarray:
    """Unit-vol path at any times: grid values, linear in between."""
    cell, rem = np.divmod(t, SAMPLE_MS)
    day = cell // CELLS
    days, row = np.unique(day, return_inverse=True)
    table = np.stack([_day(seed, coin_id, int(d)) for d in days])
    pos = cell - day * CELLS
    lo = table[row, pos]
    return lo + rem / SAMPLE_MS * (table[row, pos + 1] - lo)


def _cell_std(seed: int, coin_id: int, c0: int, c1: int) -> np.ndarray:
    """Unit-vol standard deviation of the cells [c0, c1): sqrt(V_d w_c)."""
    parts = []
    for day in range(c0 // CELLS, -(-c1 // CELLS)):
        lo, hi = max(c0 - day * CELLS, 0), min(c1 - day * CELLS, CELLS)
        first, var, _, _ = _days(seed, coin_id, (day - _ORIGIN_DAY) // _BLOCK_DAYS)
        parts.append(np.sqrt(var[day - first] * _weights(seed, coin_id, day)[lo:hi]))
    return np.concatenate(parts)


@functools.lru_cache(maxsize=256)
def _break_path(seed: int, coin_id: int, c0: int, c1: int) -> np.ndarray:
    """Unit-vol offset at the grid points c0..c1 of a correlation break over the cells [c0, c1): the
    market-driven part of each cell's move replaced by an independent one of the same variance, the
    difference bridged to 0 at c1 (so the path is unchanged from then on)."""
    std = _cell_std(seed, coin_id, c0, c1)
    market = _gauss(_key(seed, _MARKET, _DIRECTIONS), c0, c1 - c0)
    own = _gauss(_key(seed, coin_id, _DECOUPLED), c0, c1 - c0)
    step = _LOADING * std * (own - market)
    step -= std**2 / np.sum(std**2) * step.sum()
    out = np.concatenate([[0.0], np.cumsum(step)])
    out[-1] = 0.0
    out.flags.writeable = False
    return out


def _breaks(seed: int, coin_id: int, daily_vol: float, rate: float, t: np.ndarray) -> np.ndarray:
    """The planted correlation breaks' log-price offset at times `t`: linear between grid points."""
    out = np.zeros(t.shape)
    for e in manipulation.episodes(seed, coin_id, rate, "correlation_break", int(t.min()), int(t.max()) + 1):
        c0 = e.start_ms // SAMPLE_MS
        path = _break_path(seed, coin_id, c0, e.end_ms // SAMPLE_MS)
        inside = (t >= e.start_ms) & (t < e.end_ms)
        cell, rem = np.divmod(t[inside] - c0 * SAMPLE_MS, SAMPLE_MS)
        lo = path[cell]
        out[inside] += daily_vol * (lo + rem / SAMPLE_MS * (path[cell + 1] - lo))
    return out


def _signal(seed: int, coin_id: int, daily_vol: float, strength: float, t: np.ndarray) -> np.ndarray:
    """The planted offset at times `t`: its minute-knot values, linear inside the minute."""
    m = t // MINUTE_MS
    knots = np.unique(np.concatenate([m.ravel(), m.ravel() + 1]))
    at = planted.offset(seed, coin_id, daily_vol, strength, knots)
    f = (t - m * MINUTE_MS) / MINUTE_MS
    lo, hi = at[np.searchsorted(knots, m)], at[np.searchsorted(knots, m + 1)]
    return lo * (1.0 - f) + hi * f


def log_price(
    seed: int,
    coin_id: int,
    start_px: float,
    daily_vol: float,
    t_ms: ArrayLike,
    signal: float = 0.0,
    spikes: float = 0.0,
) -> np.ndarray:
    """Natural log of the unrounded price at each time in `t_ms` (int64 ms).

    `signal` is the planted signal's strength, `spikes` the planted manipulation rate (price spikes).
    """
    t = np.asarray(t_ms, dtype=np.int64)
    if t.size == 0:
        return np.empty(t.shape)
    out = np.log(start_px) + daily_vol * _at(seed, coin_id, t.ravel()).reshape(t.shape)
    return _plant(out, seed, coin_id, daily_vol, signal, spikes, t)


def _plant(
    out: np.ndarray, seed: int, coin_id: int, daily_vol: float, signal: float, spikes: float, t: np.ndarray
) -> np.ndarray:
    """`out` (log prices at times `t`) with the planted signal and manipulation offsets added."""
    if signal:
        out += _signal(seed, coin_id, daily_vol, signal, t)
    if spikes:
        out += manipulation.price_offset(seed, coin_id, daily_vol, spikes, t)
        out += _breaks(seed, coin_id, daily_vol, spikes, t)
    return out


def grid_log_prices(
    seed: int,
    coin_id: int,
    start_px: float,
    daily_vol: float,
    m0: int,
    m1: int,
    per_minute: int,
    signal: float = 0.0,
    spikes: float = 0.0,
) -> np.ndarray:
    """`log_price` at `per_minute` (a divisor of 6) evenly spaced grid samples in each minute of [m0, m1).

    Shape (m1 - m0, per_minute).
    """
    if SAMPLES_PER_MINUTE % per_minute:
        raise ValueError(f"per_minute must divide {SAMPLES_PER_MINUTE}, got {per_minute}")
    unit = _grid(seed, coin_id, m0 * SAMPLES_PER_MINUTE, m1 * SAMPLES_PER_MINUTE)
    out = np.log(start_px) + daily_vol * unit[:: SAMPLES_PER_MINUTE // per_minute].reshape(-1, per_minute)
    if signal or spikes:  # the grid samples' times
        minutes = np.arange(m0, m1, dtype=np.int64)[:, None]
        t = minutes * MINUTE_MS + np.arange(per_minute) * (MINUTE_MS // per_minute)
        out = _plant(out, seed, coin_id, daily_vol, signal, spikes, t)
    return out


def price(
    seed: int,
    coin_id: int,
    start_px: float,
    daily_vol: float,
    t_ms: ArrayLike,
    signal: float = 0.0,
    spikes: float = 0.0,
) -> np.ndarray:
    """Unrounded price at each time in `t_ms`."""
    return np.exp(log_price(seed, coin_id, start_px, daily_vol, t_ms, signal, spikes))
