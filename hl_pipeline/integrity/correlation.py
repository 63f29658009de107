"""Cross-coin correlation breaks from the coins' minute prices: each coin's one-minute log returns,
less a centred rolling median (the drift of a pump or a spike's decay is not co-movement), scaled by
a centred rolling MAD and clipped, are correlated over a centred `window_min`-minute window with the
mean of the other coins' (leave one out). A coin whose correlation stays below `max_corr` for at
least `min_minutes`, on a day whose median correlation is at least `min_baseline` (a coin that
follows the market at all), has broken from the market. Minutes inside the coin's own price events
(spikes, pumps, markings: moves the other detectors explain) are left out of its returns."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.events import Event

BREAK = "correlation_break"
MOVES_PRICE = ("price_spike", "pump_and_dump", "funding_marking")  # events whose minutes are left out


@dataclasses.dataclass(frozen=True)
class CorrelationParams:
    """Declared parameters (recorded with every event)."""

    window_min: int = 91  # centred window of the rolling correlation, minutes
    drift_min: int = 15  # centred rolling median taken off each return
    scale_min: int = 121  # centred rolling MAD that scales each return
    clip: float = 3.0  # scaled returns are clipped at +- this (jumps do not decide a window)
    max_corr: float = 0.2  # a break: the correlation below this ...
    min_minutes: int = 20  # ... over a run of at least this many minutes
    min_baseline: float = 0.4  # the coin's median correlation of the day must be at least this
    merge_min: int = 30  # flagged minutes at most this far apart join one run
    min_coins: int = 3  # the coin and at least two others


def scaled_returns(px: np.ndarray, traded: np.ndarray, params: CorrelationParams) -> np.ndarray:
    """One-minute log returns less their rolling median, over their rolling MAD, clipped; NaN where a
    minute or the one before has no trade."""
    ret = pd.Series(np.diff(np.log(px), prepend=np.nan))
    ret = ret.where(traded & np.roll(traded, 1))
    ret -= ret.rolling(params.drift_min, center=True, min_periods=params.drift_min // 2).median()
    mad = ret.abs().rolling(params.scale_min, center=True, min_periods=params.scale_min // 4).median()
    mad = mad.where(mad > 0)
    return np.clip((ret / (mad / 0.6745)).to_numpy(), -params.clip, params.clip)


def _returns(bars: pd.DataFrame, events: list[Event], params: CorrelationParams) -> np.ndarray:
    """`scaled_returns` of a coin's bars, NaN inside its events that move the price."""
    traded = bars["trades"].to_numpy() > 0
    t = bars["time"].to_numpy(np.int64)
    for e in events:
        if e.type in MOVES_PRICE:
            traded = traded & ~((t >= e.start_ms) & (t < e.end_ms))
    return scaled_returns(bars["px"].to_numpy(float), traded, params)


def rolling_corr(x: np.ndarray, y: np.ndarray, window: int) -> np.ndarray:
    """Pearson correlation of x and y over a centred window, on the pairs both have; NaN where fewer
    than half the window's pairs are known or either side is constant."""
    ok = np.isfinite(x) & np.isfinite(y)
    cols = np.stack([ok, np.where(ok, x, 0), np.where(ok, y, 0)])
    cols = np.concatenate([cols, cols[1:] ** 2, cols[1:2] * cols[2:3]])  # n, x, y, xx, yy, xy
    csum = np.concatenate([np.zeros((6, 1)), np.cumsum(cols, axis=1)], axis=1)
    i = np.arange(len(x))
    lo, hi = np.clip(i - window // 2, 0, len(x)), np.clip(i + window // 2 + 1, 0, len(x))
    n, sx, sy, sxx, syy, sxy = csum[:, hi] - csum[:, lo]
    var = (n * sxx - sx**2) * (n * syy - sy**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (n * sxy - sx * sy) / np.sqrt(var)
    return np.where((n >= window / 2) & (var > 0), out, np.nan)


def correlation_breaks(
    bars: dict[str, pd.DataFrame],
    events: dict[str, list[Event]] | None = None,
    params: CorrelationParams = CorrelationParams(),
) -> dict[str, list[Event]]:
    """Breaks per coin from each coin's minute bars (spikes.minute_bars over the same minutes) and
    the other events found on it; no coin has one when fewer than `min_coins` are given."""
    coins = sorted(bars)
    out: dict[str, list[Event]] = {c: [] for c in coins}
    if len(coins) < params.min_coins:
        return out
    z = np.stack([_returns(bars[c], (events or {}).get(c, []), params) for c in coins])
    known = np.isfinite(z)
    total, count = np.nansum(z, axis=0), known.sum(axis=0)
    for k, coin in enumerate(coins):
        others = count - known[k]
        with np.errstate(invalid="ignore", divide="ignore"):
            market = np.where(others >= 2, (total - np.nan_to_num(z[k])) / others, np.nan)
        corr = rolling_corr(z[k], market, params.window_min)
        baseline = float(np.nanmedian(corr)) if np.isfinite(corr).any() else float("nan")
        if not baseline >= params.min_baseline:
            continue
        out[coin] = _runs(bars[coin], corr, baseline, [c for c in coins if c != coin], params)
    return out


def _runs(
    bars: pd.DataFrame, corr: np.ndarray, baseline: float, others: list[str], params: CorrelationParams
) -> list[Event]:
    idx = np.flatnonzero(corr < params.max_corr)
    if not idx.size:
        return []
    out = []
    for g in np.split(idx, np.flatnonzero(np.diff(idx) > params.merge_min) + 1):
        if g[-1] - g[0] + 1 < params.min_minutes:
            continue
        lo = max(0, int(g[0]) - params.window_min // 4)
        hi = min(len(bars) - 1, int(g[-1]) + params.window_min // 4)
        low = float(np.nanmin(corr[g[0] : g[-1] + 1]))
        out.append(
            Event(
                BREAK,
                int(bars["time"].iloc[lo]),
                int(bars["time"].iloc[hi]) + MINUTE_MS,
                round(float(np.clip((baseline - low) / baseline, 0.0, 1.0)), 4),
                float(bars["usd"].iloc[lo : hi + 1].sum()),
                evidence={
                    "minutes": hi - lo + 1,
                    "baseline_corr": baseline,
                    "min_corr": low,
                    "mean_corr": float(np.nanmean(corr[g[0] : g[-1] + 1])),
                    "market": others,
                    "params": dataclasses.asdict(params),
                },
            )
        )
    return out
