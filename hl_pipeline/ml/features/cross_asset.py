"""Cross-asset features: the reference coin's returns, and a coin's rolling beta and correlation to it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.ml.features.bars import CoinBars

WINDOW = 60


def _returns(close: np.ndarray, n: int) -> np.ndarray:
    logc = np.log(close)
    out = np.full_like(logc, np.nan)
    out[n:] = logc[n:] - logc[:-n]
    return out


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    btc = _returns(bars.btc_close, 1)
    own = _returns(bars.candles["close"], 1)
    x, y = pd.Series(btc), pd.Series(own)
    both = x.notna() & y.notna()
    x, y = x.where(both), y.where(both)
    cov = x.rolling(WINDOW, min_periods=WINDOW).cov(y)
    var_x = x.rolling(WINDOW, min_periods=WINDOW).var()
    var_y = y.rolling(WINDOW, min_periods=WINDOW).var()
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = (cov / var_x).to_numpy()
        corr = np.clip((cov / np.sqrt(var_x * var_y)).to_numpy(), -1.0, 1.0)
    return {
        "btc_ret_1": btc,
        "btc_ret_15": _returns(bars.btc_close, 15),
        "beta_btc_60": beta,
        "corr_btc_60": corr,
    }


def missing(bars: CoinBars) -> dict[str, np.ndarray]:
    return {"btc_missing": np.isnan(bars.btc_close)}
