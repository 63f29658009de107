"""A wallet's PnL in one coin and day from its fills, funding payments and the mark (pure).

Realised PnL is the fills' closedPnl, gross of fees; fees are signed (negative: rebate) and already
hold the builder fee; net realised = realised - fees + funding (reference note, section 1.2-1.4).
Two identities are measured, not assumed: the closedPnl of each closing fill whose entry the fills
show equals side x (px - entry) x closed size, and each funding payment's szi equals the position
the fills give at that hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hl_pipeline.wallets.positions import SIZE_DIGITS, Held, walk


@dataclass(frozen=True)
class Fills:
    """One wallet's fills of a coin-day in (time, tid) order."""

    time: np.ndarray  # ms
    start_position: np.ndarray
    signed: np.ndarray  # +sz bought, -sz sold
    px: np.ndarray
    closed_pnl: np.ndarray
    fee: np.ndarray


@dataclass(frozen=True)
class DayPnl:
    realised: float
    fees: float
    funding: float
    net_realised: float
    size: float
    entry_px: float | None
    unrealised: float | None
    net: float | None
    realised_in_view: float
    realised_rebuilt: float
    funding_size_mismatches: int | None


def rebuilt_realised(fills: Fills, start: Held | None) -> tuple[float, float]:
    """(closedPnl, side x (px - entry) x closed size) summed over the closing fills whose entry price
    is in view."""
    _, entries = walk(start, fills.start_position, fills.signed, fills.px)
    size = fills.start_position[0] if len(fills.signed) else 0.0
    in_view = rebuilt = 0.0
    for d, p, pnl, entry in zip(fills.signed.tolist(), fills.px.tolist(), fills.closed_pnl.tolist(), entries):
        if size * d < 0 and entry is not None:
            closed = min(abs(d), abs(size))
            in_view += pnl
            rebuilt += closed * (p - entry) * (1.0 if size > 0 else -1.0)
        size = round(size + d, SIZE_DIGITS)
    return in_view, rebuilt


def size_at(fills: Fills, t_ms: np.ndarray) -> np.ndarray:
    """The position the fills give at each time: after every fill at or before it."""
    after = fills.start_position + fills.signed
    idx = np.searchsorted(fills.time, t_ms, side="right") - 1
    return np.where(idx < 0, fills.start_position[0], after[np.maximum(idx, 0)])


def day_pnl(
    fills: Fills,
    start: Held | None,
    held: Held,
    funding_time: np.ndarray,
    funding_usdc: np.ndarray,
    funding_szi: np.ndarray,
    mark_px: float | None,
) -> DayPnl:
    """The coin-day's PnL; `held` is the rebuilt position at the day's end."""
    realised, fees, funding = (float(x.sum()) for x in (fills.closed_pnl, fills.fee, funding_usdc))
    net_realised = realised - fees + funding
    unrealised = (
        held.size * (mark_px - held.entry_px) if held.entry_px is not None and mark_px is not None else None
    )
    if held.size == 0:
        unrealised = 0.0
    in_view, rebuilt = rebuilt_realised(fills, start)
    mismatches = None
    if len(fills.time):
        expected = size_at(fills, funding_time)
        mismatches = int((np.round(expected - funding_szi, SIZE_DIGITS - 2) != 0).sum())
    return DayPnl(
        realised,
        fees,
        funding,
        net_realised,
        held.size,
        held.entry_px,
        unrealised,
        None if unrealised is None else net_realised + unrealised,
        in_view,
        rebuilt,
        mismatches,
    )
