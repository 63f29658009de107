"""Pump-and-dump episodes from a coin-day of trades: minutes whose trailing `run_min`-minute log
return has a robust z (median/MAD over a centred `window_min`-minute window) above `z`, on a median
minute notional at least `volume_x` times that of the `base_min` minutes before the run-up, and
followed within `dump_min` minutes by a fall of at least `reversal` of the rise; no one minute may
carry more than `max_step` of the rise (that is a price spike, spikes.py), and the first half of the
window must carry at least `min_early` of it (a run-up, not a push of a few minutes)
(reference/wallets-and-integrity.md section 0: volume and price over a rolling baseline)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.events import Event
from hl_pipeline.integrity.spikes import minute_bars, robust_z

PUMP = "pump_and_dump"


@dataclasses.dataclass(frozen=True)
class PumpParams:
    """Declared parameters (recorded with every event)."""

    run_min: int = 30  # the run-up's return is taken over this many trailing minutes
    window_min: int = 361  # centred rolling window of the return's median and MAD
    z: float = 4.0  # on the trailing run_min-minute log return
    base_min: int = 120  # the volume baseline: the minutes before the run-up
    volume_x: float = 1.3  # median minute notional of the run-up against the baseline's
    dump_min: int = 20  # the fall must come within this many minutes of the top
    reversal: float = 0.6  # the share of the rise the fall must give back
    max_step: float = 0.35  # the largest one-minute return's share of the rise
    min_early: float = 0.15  # the share of the rise in the first half of the run_min minutes


def pump_events(
    trades: pd.DataFrame, start_ms: int, end_ms: int, params: PumpParams = PumpParams()
) -> list[Event]:
    """Pump-and-dump episodes of a coin's trades in [start_ms, end_ms)."""
    if trades.empty:
        return []
    bars = minute_bars(trades, start_ms, end_ms)
    lp = np.log(bars["px"].to_numpy())
    usd = bars["usd"]
    n, w = len(lp), params.run_min
    rise = pd.Series(lp) - pd.Series(lp).shift(w)
    z = robust_z(rise, params.window_min).to_numpy()
    run_median = usd.rolling(w, min_periods=w // 2).median().to_numpy()
    base = usd.shift(w).rolling(params.base_min, min_periods=params.base_min // 2).median().to_numpy()
    ahead = pd.Series(lp[::-1]).rolling(params.dump_min, min_periods=1).min().to_numpy()[::-1]
    low_after = np.append(ahead[1:], np.nan)  # the lowest log price of the next dump_min minutes
    with np.errstate(divide="ignore", invalid="ignore"):
        volume_x = run_median / base
        given_back = (lp - low_after) / rise.to_numpy()
    step = pd.Series(np.diff(lp, prepend=lp[0])).rolling(w, min_periods=1).max().to_numpy()
    up = rise.to_numpy()
    early = (pd.Series(lp).shift(w // 2) - pd.Series(lp).shift(w)).to_numpy()
    hit = (
        (z > params.z)
        & (up > 0)
        & (volume_x >= params.volume_x)
        & (given_back >= params.reversal)
        & (step <= params.max_step * up)
        & (early >= params.min_early * up)
    )
    idx = np.flatnonzero(hit)
    if not idx.size:
        return []
    out = []
    for g in np.split(idx, np.flatnonzero(np.diff(idx) > w) + 1):
        top = int(g[np.argmax(up[g])])
        lo = max(0, top - w) + int(np.argmin(lp[max(0, top - w) : top + 1]))
        hi = min(n - 1, top + 1 + int(np.argmin(lp[top + 1 : top + 1 + params.dump_min])))
        evidence = {
            "run_up_min": top - lo,
            "dump_min": hi - top,
            "run_up_bps": float((lp[top] - lp[lo]) * 1e4),
            "dump_bps": float((lp[hi] - lp[top]) * 1e4),
            "given_back": float(given_back[top]),
            "volume_x_baseline": float(volume_x[top]),
            "peak_z": float(z[top]),
            "params": dataclasses.asdict(params),
        }
        out.append(
            Event(
                PUMP,
                int(bars["time"].iloc[lo]),
                int(bars["time"].iloc[hi]) + MINUTE_MS,
                round(float(min(1.0, z[top] / (2 * params.z))), 4),
                float(usd.iloc[lo : hi + 1].sum()),
                evidence=evidence,
            )
        )
    return out
