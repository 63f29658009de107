"""Cross-coin correlation breaks from each coin's last price every `bar_ms` (10 s).

Each coin's log returns, less a centred rolling median (the drift of a pump or of a spike's decay is
not co-movement), over a centred rolling mean absolute return, clipped at `clip`, are correlated over
a centred `window_min`-minute window with the mean of the other coins' (leave one out). Left out of a
coin's returns: the minutes of its own price spikes, pumps and markings (moves other detectors
explain) and minutes busier than `busy_x` times its usual (a coin's own news trades on volume). At 10 s
and clipped, a coin's news weighs less against the co-movement than in one-minute returns. A coin
whose correlation stays below `max_corr` for at least `min_minutes`, on a day whose median is at
least `min_baseline` (a coin that follows the market at all), has broken from the market. A coin
whose consecutive 10 s bars rarely both trade has too few pairs (`min_pairs`) and is not scored."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.events import Event
from hl_pipeline.integrity.spikes import minute_bars

BREAK = "correlation_break"
MOVES_PRICE = (
    "price_spike",
    "pump_and_dump",
    "funding_marking",
    "liquidation_cascade",
)  # events whose minutes are left out


@dataclasses.dataclass(frozen=True)
class CorrelationParams:
    """Declared parameters (recorded with every event)."""

    bar_ms: int = 10_000  # returns over bars of this length
    window_min: int = 91  # centred window of the rolling correlation, minutes
    drift_min: int = 15  # centred rolling median taken off each return
    scale_min: int = 121  # centred rolling mean absolute return that scales each return
    clip: float = 2.0  # scaled returns are clipped at +- this (jumps and news do not decide a window)
    max_corr: float = 0.2  # a break: the correlation below this ...
    min_minutes: int = 20  # ... over a run of at least this many minutes
    min_pairs: int = 60  # a window's correlation needs this many bars where both returns are known
    busy_x: float = 2.5  # minutes with more trades than this multiple of the coin's usual are left out
    min_baseline: float = 0.4  # the coin's median correlation of the day must be at least this
    merge_min: int = 30  # flagged minutes at most this far apart join one run
    min_coins: int = 3  # the coin and at least two others

    def bars(self, minutes: int) -> int:
        """A span of minutes in bars."""
        return minutes * MINUTE_MS // self.bar_ms


def price_bars(trades: pd.DataFrame, start_ms: int, end_ms: int, params: CorrelationParams) -> pd.DataFrame:
    """The bars `correlation_breaks` reads: spikes.minute_bars at `bar_ms`."""
    return minute_bars(trades, start_ms, end_ms, params.bar_ms)


def scaled_returns(px: np.ndarray, traded: np.ndarray, params: CorrelationParams) -> np.ndarray:
    """Log returns of bars less their rolling median, over their rolling scale, clipped; NaN where a
    bar or the one before has no trade."""
    ret = pd.Series(np.diff(np.log(px), prepend=np.nan))
    ret = ret.where(traded & np.roll(traded, 1))
    drift, scale = params.bars(params.drift_min), params.bars(params.scale_min)
    ret -= ret.rolling(drift, center=True, min_periods=1).median().fillna(0.0)  # sparse coins too
    # the mean, not the median, absolute return: at 10 s most returns of a coarse-tick coin are 0
    mean_abs = ret.abs().rolling(scale, center=True, min_periods=scale // 4).mean()
    std = mean_abs.where(mean_abs > 0) * np.sqrt(np.pi / 2)  # E|x| = sigma sqrt(2 / pi) if normal
    return np.clip((ret / std).to_numpy(), -params.clip, params.clip)


def _returns(bars: pd.DataFrame, events: list[Event], params: CorrelationParams) -> np.ndarray:
    """`scaled_returns` of a coin's bars, NaN inside its events that move the price."""
    traded = bars["trades"].to_numpy() > 0
    t = bars["time"].to_numpy(np.int64)
    per_minute = pd.Series(bars["trades"].to_numpy(float)).groupby(np.arange(len(bars)) // params.bars(1))
    count = per_minute.transform("sum")  # each bar's minute's trades, against their centred median
    usual = count.rolling(params.bars(params.window_min), center=True, min_periods=1).median()
    traded &= (count <= params.busy_x * usual).to_numpy()
    for e in events:
        if e.type in MOVES_PRICE:
            traded = traded & ~((t >= e.start_ms) & (t < e.end_ms))
    return scaled_returns(bars["px"].to_numpy(float), traded, params)


def rolling_corr(x: np.ndarray, y: np.ndarray, window: int, min_pairs: int) -> np.ndarray:
    """Pearson correlation of x and y over a centred window, on the pairs both have; NaN where fewer
    than `min_pairs` pairs are known or either side is constant."""
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
    return np.where((n >= min_pairs) & (var > 0), out, np.nan)


def correlation_breaks(
    bars: dict[str, pd.DataFrame],
    events: dict[str, list[Event]] | None = None,
    params: CorrelationParams = CorrelationParams(),
) -> dict[str, list[Event]]:
    """Breaks per coin from each coin's `price_bars` (over the same span) and the other events found
    on it; no coin has one when fewer than `min_coins` are given."""
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
        corr = rolling_corr(z[k], market, params.bars(params.window_min), params.min_pairs)
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
    out, edge = [], params.bars(params.window_min) // 4
    for g in np.split(idx, np.flatnonzero(np.diff(idx) > params.bars(params.merge_min)) + 1):
        if g[-1] - g[0] + 1 < params.bars(params.min_minutes):
            continue
        lo, hi = max(0, int(g[0]) - edge), min(len(bars) - 1, int(g[-1]) + edge)
        low = float(np.nanmin(corr[g[0] : g[-1] + 1]))
        out.append(
            Event(
                BREAK,
                int(bars["time"].iloc[lo]),
                int(bars["time"].iloc[hi]) + params.bar_ms,
                round(float(np.clip((baseline - low) / baseline, 0.0, 1.0)), 4),
                float(bars["usd"].iloc[lo : hi + 1].sum()),
                evidence={
                    "minutes": round((hi - lo + 1) * params.bar_ms / MINUTE_MS, 2),
                    "baseline_corr": baseline,
                    "min_corr": low,
                    "mean_corr": float(np.nanmean(corr[g[0] : g[-1] + 1])),
                    "market": others,
                    "params": dataclasses.asdict(params),
                },
            )
        )
    return out
