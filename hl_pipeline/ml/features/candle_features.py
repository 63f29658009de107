"""Features of a coin's own candles: returns, volatility, range, momentum, volume, candle shape.

Every window is finite and strict: a value exists only when every bar the window reads is
present, so a day computed from its lookback tail equals the same day computed in one pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.ml.features.bars import CoinBars


def _sum(x: np.ndarray, n: int) -> np.ndarray:
    return pd.Series(x).rolling(n, min_periods=n).sum().to_numpy()


def _mean(x: np.ndarray, n: int) -> np.ndarray:
    return pd.Series(x).rolling(n, min_periods=n).mean().to_numpy()


def _shift(x: np.ndarray, n: int) -> np.ndarray:
    out = np.full_like(x, np.nan)
    out[n:] = x[:-n]
    return out


def _ratio(num: np.ndarray, den: np.ndarray, when_zero: float) -> np.ndarray:
    """num / den, `when_zero` where den is 0 (NaN stays NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, when_zero, num / den)


def _zscore(x: np.ndarray, n: int) -> np.ndarray:
    roll = pd.Series(x).rolling(n, min_periods=n)
    mean, std = roll.mean().to_numpy(), roll.std().to_numpy()
    # a flat window has no spread: rounding leaves std a hair above 0, so compare to the scale
    flat = std <= 1e-12 * np.maximum(np.abs(mean), 1.0)
    return _ratio(x - mean, np.where(flat, 0.0, std), 0.0)


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    c = bars.candles
    o, h, lo, close = c["open"], c["high"], c["low"], c["close"]
    logc = np.log(close)
    r1 = logc - _shift(logc, 1)
    out = {f"ret_{n}": logc - _shift(logc, n) for n in (1, 5, 15, 60)}
    for n in (15, 60):
        out[f"rv_{n}"] = np.sqrt(np.maximum(_sum(r1 * r1, n), 0.0))
    out["range_1"] = (h - lo) / close
    prev = _shift(close, 1)
    true_range = np.fmax(h - lo, np.fmax(np.abs(h - prev), np.abs(lo - prev)))
    true_range[np.isnan(prev) | np.isnan(h)] = np.nan
    out["atr_14"] = _mean(true_range, 14) / close
    diff = close - prev
    gain, loss = _sum(np.maximum(diff, 0.0), 14), _sum(np.maximum(-diff, 0.0), 14)
    out["rsi_14"] = 100 * _ratio(gain, gain + loss, 0.5)
    macd = (_mean(close, 12) - _mean(close, 26)) / close
    out["macd"] = macd
    out["macd_hist"] = macd - _mean(macd, 9)
    out["volume_z_60"] = _zscore(np.log1p(c["volume"]), 60)
    out["trades_z_60"] = _zscore(np.log1p(c["trades"]), 60)
    span = h - lo
    out["body"] = _ratio(close - o, span, 0.0)
    out["upper_wick"] = _ratio(h - np.fmax(o, close), span, 0.0)
    out["lower_wick"] = _ratio(np.fmin(o, close) - lo, span, 0.0)
    return out


def missing(bars: CoinBars) -> dict[str, np.ndarray]:
    return {"candles_missing": np.isnan(bars.candles["close"])}
