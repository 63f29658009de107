"""Volume and price spikes from a coin-day of trades: robust (modified) z-scores of the log notional
of the trailing `sum_min` minutes and of one-minute log returns against a centred rolling median and
MAD (Iglewicz & Hoaglin 1993, z = 0.6745 (x - median) / MAD; reference/wallets-and-integrity.md
section 5.4). Flagged minutes at most `merge_min` apart join one event; a volume spike spans at least
`volume_min` busy minutes. A price spike is a move that is
given back: one whose price stays beyond its move for the next `revert_min` minutes is news (it
carries on) and is not reported."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.events import Event, epoch_ms

VOLUME, PRICE = "volume_spike", "price_spike"
TRIM_X = 3.0  # a volume spike's window: its minutes above this multiple of the rolling median


@dataclasses.dataclass(frozen=True)
class SpikeParams:
    """Declared parameters (recorded with every event)."""

    window_min: int = 121  # centred rolling window of the baseline, minutes
    sum_min: int = 3  # volume is summed over this many trailing minutes (quiet coins are noisy)
    volume_z: float = 4.5  # on log(1 + notional of the trailing sum_min minutes)
    price_z: float = 13.5  # on |one-minute log return|
    merge_min: int = 5
    volume_min: int = 2  # a volume spike lasts this many minutes (a one-minute burst is one print cluster)
    revert_min: int = 30  # news moves the price and the move stays; a spike's is given back:
    reversal: float = 0.0  # a price spike must give back more than this share of its move in revert_min


def minute_bars(trades: pd.DataFrame, start_ms: int, end_ms: int, bar_ms: int = MINUTE_MS) -> pd.DataFrame:
    """Per minute (or `bar_ms`) of [start_ms, end_ms): notional (USD), trade count and last price
    (carried over bars without trades)."""
    t = epoch_ms(trades["time"])
    minute = (t - start_ms) // bar_ms
    n = max(0, -(-(end_ms - start_ms) // bar_ms))
    keep = (minute >= 0) & (minute < n)
    minute, px = minute[keep], trades["px"].to_numpy(float)[keep]
    usd = px * trades["sz"].to_numpy(float)[keep]
    last = pd.Series(px).groupby(minute).last()
    return pd.DataFrame(
        {
            "time": start_ms + np.arange(n) * bar_ms,
            "usd": np.bincount(minute, weights=usd, minlength=n),
            "trades": np.bincount(minute, minlength=n),
            "px": last.reindex(np.arange(n)).ffill().bfill().to_numpy(),
        }
    )


def robust_z(x: pd.Series, window: int) -> pd.Series:
    """0.6745 (x - rolling median) / rolling MAD over a centred window of which at least a quarter is
    known (NaN elsewhere; the MAD floored at a tenth of the whole series' MAD, and no score where that
    is zero, so flat or nearly empty stretches do not divide by zero)."""
    med = x.rolling(window, center=True, min_periods=window // 4).median()
    mad = (x - med).abs().rolling(window, center=True, min_periods=window // 4).median()
    floor = float((x - x.median()).abs().median()) / 10.0
    if not floor > 0:
        return pd.Series(np.nan, index=x.index)
    return 0.6745 * (x - med) / mad.clip(lower=floor)


def spike_events(
    trades: pd.DataFrame, start_ms: int, end_ms: int, params: SpikeParams = SpikeParams()
) -> list[Event]:
    """Volume and price spikes of a coin's trades in [start_ms, end_ms)."""
    if trades.empty:
        return []
    bars = minute_bars(trades, start_ms, end_ms)
    traded = bars["trades"].to_numpy() > 0  # minutes without trades are no evidence (and may be gaps)
    log_usd = np.log1p(bars["usd"].rolling(params.sum_min, min_periods=1).sum()).where(traded)
    ret = pd.Series(np.diff(np.log(bars["px"].to_numpy()), prepend=np.log(bars["px"].iloc[0]))).where(traded)
    z_vol, z_ret = robust_z(log_usd, params.window_min), robust_z(ret, params.window_min)
    z = z_vol.to_numpy()
    out = _runs(VOLUME, bars, z, z > params.volume_z, params, lead=params.sum_min - 1)
    out += _runs(PRICE, bars, z_ret.to_numpy(), z_ret.abs().to_numpy() > params.price_z, params)
    return [
        e
        for e in out
        if (e.evidence["minutes"] >= params.volume_min if e.type == VOLUME else _reverts(e, params))
    ]


def _given_back(bars: pd.DataFrame, lo: int, hi: int, params: SpikeParams) -> float | None:
    """The largest share of the move from before minute `lo` to minute `hi` given back within
    `revert_min` minutes after; None at the end of the data or without a move."""
    log_px = np.log(bars["px"].to_numpy())
    before = log_px[max(0, lo - 1)]
    move = log_px[hi] - before
    after = log_px[hi + 1 : hi + 1 + params.revert_min] - before
    return float(np.max(1.0 - after / move)) if after.size and move else None


def _reverts(e: Event, params: SpikeParams) -> bool:
    """Whether a price spike gave back more than `reversal` of its move, or is too close to the end
    of the data to tell."""
    back = e.evidence["given_back"]
    return back is None or back > params.reversal


def _runs(
    kind: str, bars: pd.DataFrame, z: np.ndarray, hit: np.ndarray, params: SpikeParams, lead: int = 0
) -> list[Event]:
    """Events from flagged minutes; `lead` moves a start back to the first minute its sum covers."""
    idx = np.flatnonzero(hit)
    baseline = bars["usd"].rolling(params.window_min, center=True, min_periods=1).median().to_numpy()
    if not idx.size:
        return []
    groups = np.split(idx, np.flatnonzero(np.diff(idx) > params.merge_min) + 1)
    out = []
    for g in groups:
        lo, hi = max(0, int(g[0]) - lead), int(g[-1])
        if lead:  # a trailing sum flags minutes after the burst: trim to the minutes that are busy
            busy = np.flatnonzero(bars["usd"].iloc[lo : hi + 1].to_numpy() > TRIM_X * baseline[lo : hi + 1])
            lo, hi = (lo + int(busy[0]), lo + int(busy[-1])) if busy.size else (lo, hi)
        peak = int(g[np.argmax(np.abs(z[g]))])
        base = bars["usd"].iloc[max(0, lo - params.window_min // 2) : lo].median()
        evidence = {
            "minutes": hi - lo + 1,
            "peak_z": float(z[peak]),
            "params": dataclasses.asdict(params),
        }
        if kind == VOLUME:
            evidence["volume_x_baseline"] = (
                float(bars["usd"].iloc[lo : hi + 1].max() / base) if base > 0 else None
            )
        else:
            evidence["return_bps"] = float(
                np.log(bars["px"].iloc[peak] / bars["px"].iloc[max(0, peak - 1)]) * 1e4
            )
            evidence["given_back"] = _given_back(bars, lo, hi, params)
        threshold = params.volume_z if kind == VOLUME else params.price_z
        out.append(
            Event(
                kind,
                int(bars["time"].iloc[lo]),
                int(bars["time"].iloc[hi]) + MINUTE_MS,
                round(float(min(1.0, abs(z[peak]) / (2 * threshold))), 4),
                float(bars["usd"].iloc[lo : hi + 1].sum()),
                evidence=evidence,
            )
        )
    return out
