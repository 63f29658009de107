"""Marking around funding times from a coin-day of trades: at each funding time (Hyperliquid funds at
the top of every hour) the log return of the `side_min` minutes before it against that of the
`side_min` minutes after, (before - after) robust-scored (median/MAD over a centred `window_min`
window of the same statistic at every minute of the coin-day); a marking moves the price one way
before, no one minute carrying more than `max_step` of it (that is a price spike, spikes.py), and
gives at least `reversal` of it back after."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.integrity.events import Event
from hl_pipeline.integrity.spikes import minute_bars, robust_z

MARKING = "funding_marking"


@dataclasses.dataclass(frozen=True)
class FundingParams:
    """Declared parameters (recorded with every event)."""

    side_min: int = 8  # minutes before and after the funding time
    window_min: int = 121  # centred rolling window of the statistic's median and MAD, minutes
    z: float = 4.0  # on (return before) - (return after)
    reversal: float = 0.6  # the share of the move before that the move after must give back
    max_step: float = 0.5  # the largest one-minute |return| before, as a share of the move before


def funding_events(
    trades: pd.DataFrame, start_ms: int, end_ms: int, params: FundingParams = FundingParams()
) -> list[Event]:
    """Markings around the funding times inside a coin's trades of [start_ms, end_ms)."""
    if trades.empty:
        return []
    bars = minute_bars(trades, start_ms, end_ms)
    lp = pd.Series(np.log(bars["px"].to_numpy()))  # a minute's last price: the price at its end
    k = params.side_min
    before, after = lp - lp.shift(k), lp.shift(-k) - lp
    z = robust_z(before - after, params.window_min).to_numpy()
    step = lp.diff().abs().rolling(k, min_periods=1).max().to_numpy()
    out = []
    first = -(-(start_ms + MINUTE_MS) // HOUR_MS) * HOUR_MS
    for hour in range(first, end_ms, HOUR_MS):
        j = (hour - start_ms) // MINUTE_MS - 1  # the minute ending at the funding time
        b, a = float(before.iloc[j]), float(after.iloc[j])
        marked = abs(z[j]) > params.z and b * a < 0 and step[j] <= params.max_step * abs(b)
        if not (marked and abs(a) >= params.reversal * abs(b)):
            continue
        lo, hi = max(0, j + 1 - k), min(len(lp) - 1, j + k)
        out.append(
            Event(
                MARKING,
                int(bars["time"].iloc[lo]),
                int(bars["time"].iloc[hi]) + MINUTE_MS,
                round(float(min(1.0, abs(z[j]) / (2 * params.z))), 4),
                float(bars["usd"].iloc[lo : hi + 1].sum()),
                evidence={
                    "funding_ms": hour,
                    "before_bps": b * 1e4,
                    "after_bps": a * 1e4,
                    "z": float(z[j]),
                    "max_step_bps": float(step[j] * 1e4),
                    "volume_before_x_after": _ratio(bars["usd"], lo, j + 1, hi + 1),
                    "params": dataclasses.asdict(params),
                },
            )
        )
    return out


def _ratio(usd: pd.Series, lo: int, mid: int, hi: int) -> float | None:
    """The notional of minutes [lo, mid) over that of [mid, hi)."""
    after = float(usd.iloc[mid:hi].sum())
    return float(usd.iloc[lo:mid].sum()) / after if after > 0 else None
