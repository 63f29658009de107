"""One coin's inputs laid on a grid of bars: what every feature group reads.

The grid holds every bar open time in the window, whether or not a candle exists; a missing
candle is NaN on the grid, never zero. A coarser bar is built from 1m candles only when all of
its minutes are present.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.ml.pointintime import ms

CANDLE_FIELDS = ("open", "high", "low", "close", "volume", "trades")


@dataclass
class CoinBars:
    """A coin's grid and inputs; `times` are bar opens (int64 ms), a bar closes at `times + bar_ms`."""

    coin: str
    bar_ms: int
    times: np.ndarray
    candles: dict[str, np.ndarray]  # CANDLE_FIELDS on the grid, NaN where missing
    btc_close: np.ndarray  # the reference coin's close on the grid
    book: pd.DataFrame  # this coin's rows of each input, time columns as int64 ms
    trades: pd.DataFrame
    funding: pd.DataFrame
    contexts: pd.DataFrame
    venue_candles: pd.DataFrame = field(default_factory=pd.DataFrame)  # other venues' rows, with `venue`
    venue_funding: pd.DataFrame = field(default_factory=pd.DataFrame)
    venue_oi: pd.DataFrame = field(default_factory=pd.DataFrame)
    wallet_fills: pd.DataFrame = field(default_factory=pd.DataFrame)  # the tracked wallets' fills
    wallet_classes: pd.DataFrame = field(default_factory=pd.DataFrame)  # every coin's: time, user, kind
    cache: dict = field(default_factory=dict)

    @property
    def closes_at(self) -> np.ndarray:
        return self.times + self.bar_ms


def candle_grid(candles: pd.DataFrame, start_ms: int, end_ms: int, bar_ms: int) -> dict[str, np.ndarray]:
    """One coin's 1m candles on the bar grid [start_ms, end_ms): each of CANDLE_FIELDS, NaN where missing."""
    minutes = (end_ms - start_ms) // MINUTE_MS
    t = ms(candles["time"])
    keep = (t >= start_ms) & (t < end_ms) & ((t - start_ms) % MINUTE_MS == 0)
    pos = (t[keep] - start_ms) // MINUTE_MS
    grid = {}
    for name in CANDLE_FIELDS:
        column = np.full(minutes, np.nan)
        column[pos] = candles[name].to_numpy(dtype=float)[keep]
        grid[name] = column
    per_bar = bar_ms // MINUTE_MS
    if per_bar == 1:
        return grid
    shaped = {name: column.reshape(-1, per_bar) for name, column in grid.items()}
    complete = ~np.isnan(shaped["close"]).any(axis=1)
    out = {
        "open": shaped["open"][:, 0],
        "high": shaped["high"].max(axis=1),
        "low": shaped["low"].min(axis=1),
        "close": shaped["close"][:, -1],
        "volume": shaped["volume"].sum(axis=1),
        "trades": shaped["trades"].sum(axis=1),
    }
    return {name: np.where(complete, column, np.nan) for name, column in out.items()}
