"""Liquidation cascades from a coin-day of public trades: minutes of one-sided forced flow that move
the price its way on raised activity. Liquidations are market orders (reference/wallets-and-
integrity.md section 1), so a cascade shows as a trailing `window_min`-minute run in which taker
orders (a swept order's parts, which share time, side and taker, count once) lean one way far
beyond chance (|imbalance| x sqrt(orders) above `imbalance_z`, with |imbalance| at least
`imbalance_min`), the log return over the same minutes goes that way with a robust z (median/MAD
over a centred `baseline_min` window) above `move_z`, and the orders are at least `activity_x`
times the centred median. Flagged minutes at most `merge_min` apart join one event (trimmed to its
first and last minute whose own orders lean its way by `imbalance_min`); one of fewer than
`min_flagged` flagged minutes is dropped."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.events import Event, taker_orders
from hl_pipeline.integrity.spikes import minute_bars, robust_z

CASCADE = "liquidation_cascade"


@dataclasses.dataclass(frozen=True)
class CascadeParams:
    """Declared parameters (recorded with every event)."""

    window_min: int = 5  # the trailing minutes over which flow, move and activity are taken
    baseline_min: int = 361  # centred window of the move's median and MAD, and of usual activity
    imbalance_z: float = 4.0  # on (buy - sell orders) / sqrt(orders) over the window
    imbalance_min: float = 0.35  # |buy - sell| / orders over the window
    move_z: float = 1.5  # on the window's log return, signed the flow's way
    activity_x: float = 1.8  # the window's taker orders against the centred median
    merge_min: int = 3
    min_flagged: int = 3


def _orders(trades: pd.DataFrame, start_ms: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per minute: taker orders, and buy orders less sell orders."""
    orders = taker_orders(trades)
    minute = (orders["time"].to_numpy() - start_ms) // MINUTE_MS
    keep = (minute >= 0) & (minute < n)
    sign = np.where(orders["buy"].to_numpy(), 1.0, -1.0)[keep]
    return np.bincount(minute[keep], minlength=n).astype(float), np.bincount(minute[keep], sign, minlength=n)


def cascade_events(
    trades: pd.DataFrame, start_ms: int, end_ms: int, params: CascadeParams = CascadeParams()
) -> list[Event]:
    """Liquidation cascades in a coin's trades of [start_ms, end_ms)."""
    if trades.empty:
        return []
    bars = minute_bars(trades, start_ms, end_ms)
    count, signed = _orders(trades, start_ms, len(bars))
    w = params.window_min
    orders = pd.Series(count).rolling(w, min_periods=1).sum()
    lean = pd.Series(signed).rolling(w, min_periods=1).sum()
    imbalance = (lean / orders.where(orders > 0)).fillna(0.0)
    lean_z = (lean / np.sqrt(orders.clip(lower=1))).to_numpy()
    log_px = pd.Series(np.log(bars["px"].to_numpy()))
    move = log_px - log_px.shift(w).fillna(log_px.iloc[0])
    move_z = (
        robust_z(move.where(bars["trades"].to_numpy() > 0), params.baseline_min) * np.sign(lean)
    ).to_numpy()
    usual = pd.Series(count).rolling(params.baseline_min, center=True, min_periods=1).median() * w
    hit = (
        (np.abs(lean_z) > params.imbalance_z)
        & (np.abs(imbalance.to_numpy()) >= params.imbalance_min)
        & (move_z > params.move_z)
        & (orders.to_numpy() >= params.activity_x * usual.to_numpy())
    )
    idx = np.flatnonzero(hit)
    if not idx.size:
        return []
    out = []
    for g in np.split(idx, np.flatnonzero(np.diff(idx) > params.merge_min) + 1):
        signs = np.sign(lean.to_numpy()[g])
        if g.size < params.min_flagged or np.any(signs != signs[0]):
            continue
        lo, hi = max(0, int(g[0]) - w + 1), int(g[-1])
        own = signs[0] * signed[lo : hi + 1] / np.maximum(count[lo : hi + 1], 1)
        leaning = np.flatnonzero(own >= params.imbalance_min)  # trim to the minutes that lean its way
        lo, hi = (lo + int(leaning[0]), lo + int(leaning[-1])) if leaning.size else (lo, hi)
        n, s = count[lo : hi + 1].sum(), signed[lo : hi + 1].sum()
        peak = int(g[np.argmax(np.abs(lean_z[g]))])
        out.append(
            Event(
                CASCADE,
                int(bars["time"].iloc[lo]),
                int(bars["time"].iloc[hi]) + MINUTE_MS,
                round(float(min(1.0, abs(lean_z[peak]) / (3 * params.imbalance_z))), 4),
                float(bars["usd"].iloc[lo : hi + 1].sum()),
                evidence={
                    "direction": "longs liquidated" if s < 0 else "shorts liquidated",
                    "minutes": hi - lo + 1,
                    "taker_orders": int(n),
                    "imbalance": float(s / n) if n else 0.0,
                    "return_bps": float((log_px.iloc[hi] - log_px.iloc[max(0, lo - 1)]) * 1e4),
                    "orders_x_usual": float(n / (usual.iloc[lo : hi + 1].mean() / w * (hi - lo + 1))),
                    "peak_imbalance_z": float(lean_z[peak]),
                    "peak_move_z": float(move_z[peak]),
                    "params": dataclasses.asdict(params),
                },
            )
        )
    return out
