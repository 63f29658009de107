"""Forward labels per coin per bar: log return, direction with a dead zone, triple barrier.

For a bar opening at t (closing at C = t + bar), the entry price is the bar's close and the
label at horizon h is read from the bars closing by C + h; it becomes known at
``known_time = C + h``. A label whose bars are not all present (a gap, or the next day not
written yet) is missing, never guessed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from hl_pipeline.errors import ConfigError
from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.lake.paths import check_date
from hl_pipeline.ml.features.bars import candle_grid
from hl_pipeline.ml.features.catalog import bar_ms
from hl_pipeline.ml.pointintime import ms

_CHUNK = 50_000  # rows per triple-barrier block: bounds memory to _CHUNK x horizon


@dataclass(frozen=True)
class LabelSpec:
    """What the labels are: horizons in minutes, the dead zone and barrier as log returns."""

    horizons_min: tuple[int, ...] = (5, 15, 60)
    dead_zone: float = 5e-4
    barrier: float = 2e-3
    bar: str = "1m"

    def __post_init__(self):
        step = bar_ms(self.bar) // MINUTE_MS
        bad = [
            h
            for h in self.horizons_min
            if not isinstance(h, int) or h <= 0 or h % step or h * MINUTE_MS > DAY_MS
        ]
        if bad or not self.horizons_min:
            raise ConfigError(
                f"bad horizon(s) {bad or list(self.horizons_min)}: positive whole minutes, multiples of "
                f"the {self.bar} bar, at most one day"
            )
        if not 0 <= self.dead_zone < self.barrier:
            raise ConfigError(
                f"need 0 <= dead_zone < barrier, got dead_zone={self.dead_zone!r}, barrier={self.barrier!r}"
            )

    @property
    def max_horizon_ms(self) -> int:
        return max(self.horizons_min) * MINUTE_MS

    def describe(self) -> dict:
        return asdict(self)


def direction(returns: np.ndarray, dead_zone: float) -> np.ndarray:
    """+1 above the dead zone, -1 below it, 0 inside (|r| <= dead_zone); NaN stays NaN."""
    return np.where(
        np.isnan(returns),
        np.nan,
        np.where(returns > dead_zone, 1.0, np.where(returns < -dead_zone, -1.0, 0.0)),
    )


def triple_barrier(
    close: np.ndarray, high: np.ndarray, low: np.ndarray, steps: int, barrier: float
) -> np.ndarray:
    """+1 if the upper barrier (entry x e^barrier) is touched first within `steps` bars, -1 if the
    lower one is, 0 if neither is or both are in the same bar (which came first is unknowable);
    NaN unless the entry and every bar of the window are present."""
    n = len(close)
    out = np.full(n, np.nan)
    if n <= steps:
        return out
    up_level, down_level = close * np.exp(barrier), close * np.exp(-barrier)
    for lo in range(0, n - steps, _CHUNK):
        hi = min(lo + _CHUNK, n - steps)
        highs = sliding_window_view(high[lo + 1 : hi + steps], steps)
        lows = sliding_window_view(low[lo + 1 : hi + steps], steps)
        known = ~(np.isnan(highs).any(axis=1) | np.isnan(lows).any(axis=1) | np.isnan(close[lo:hi]))
        up = highs >= up_level[lo:hi, None]
        down = lows <= down_level[lo:hi, None]
        first_up = np.where(up.any(axis=1), up.argmax(axis=1), steps)
        first_down = np.where(down.any(axis=1), down.argmax(axis=1), steps)
        label = np.sign(first_down - first_up).astype(float)
        out[lo:hi] = np.where(known, label, np.nan)
    return out


def compute_labels(
    candles: pd.DataFrame, start_ms: int, end_ms: int, spec: LabelSpec = LabelSpec()
) -> pd.DataFrame:
    """Labels (long: one row per coin, bar and horizon) for bars opening in [start_ms, end_ms),
    from 1m candles covering the window and the horizon after it."""
    step = bar_ms(spec.bar)
    if start_ms % step or end_ms % step or end_ms <= start_ms:
        raise ValueError(f"window [{start_ms}, {end_ms}) must be non-empty and aligned to {spec.bar} bars")
    if "interval" in candles.columns:
        candles = candles[candles["interval"] == "1m"]
    grid_end = end_ms + spec.max_horizon_ms
    times = np.arange(start_ms, end_ms, step, dtype=np.int64)
    n, horizons = len(times), np.array(spec.horizons_min, dtype=np.int32)
    coins = sorted(str(c) for c in candles["coin"].unique())
    shape = (len(coins), n, len(horizons))  # raveled: coin, then time, then horizon
    fwd: np.ndarray = np.full(shape, np.nan)
    tb: np.ndarray = np.full(shape, np.nan)
    for k, (_coin, rows) in enumerate(candles.groupby("coin", sort=True)):
        grid = candle_grid(rows.assign(time=ms(rows["time"])), start_ms, grid_end, step)
        logc = np.log(grid["close"])
        for j, h in enumerate(spec.horizons_min):
            steps = h * MINUTE_MS // step
            fwd[k, :, j] = logc[steps : steps + n] - logc[:n]
            tb[k, :, j] = triple_barrier(grid["close"], grid["high"], grid["low"], steps, spec.barrier)[:n]
    fwd, tb = fwd.ravel(), tb.ravel()
    known = (times[:, None] + step + horizons[None, :].astype(np.int64) * MINUTE_MS).ravel()

    def utc(values: np.ndarray) -> pd.Series:
        return pd.Series(values.astype("datetime64[ms]")).dt.tz_localize("UTC")

    return pd.DataFrame(
        {
            "coin": np.repeat(np.array(coins, dtype=object), n * len(horizons)),
            "time": utc(np.tile(np.repeat(times, len(horizons)), len(coins))),
            "interval": np.full(fwd.size, spec.bar, dtype=object),
            "horizon_min": np.tile(horizons, len(coins) * n),
            "known_time": utc(np.tile(known, len(coins))),
            "fwd_log_return": fwd,
            "direction": pd.array(direction(fwd, spec.dead_zone), dtype="Int8"),
            "triple_barrier": pd.array(tb, dtype="Int8"),
        },
        copy=False,
    )


def labels_for_day(
    date: str, candles: pd.DataFrame, next_day: pd.DataFrame | None, spec: LabelSpec = LabelSpec()
) -> pd.DataFrame:
    """Labels of day `date` from its candles and the next day's (None when not written yet: the
    labels that need it stay missing)."""
    start = day_start_ms(check_date(date))
    frames = [f for f in (candles, next_day) if f is not None]
    return compute_labels(pd.concat(frames, ignore_index=True), start, start + DAY_MS, spec)
