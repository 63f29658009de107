"""Positions rebuilt from fills: a fill's start position plus its signed size is the next fill's
start position; the entry price moves to the size-weighted average on opening fills, stays on
closing ones and restarts at the fill price when the position flips."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZE_DIGITS = 10  # sizes are decimals with at most 8 places: rounding removes float drift


@dataclass(frozen=True)
class Held:
    size: float
    entry_px: float | None  # None where the fills that opened it are not in view


def replay(start: Held | None, start_positions: np.ndarray, signed: np.ndarray, px: np.ndarray) -> Held:
    """The position after fills (in time order) given each one's start position, signed size and
    price; `start` is the position known before the first (None: unknown, only its size is read
    from the first fill)."""
    return walk(start, start_positions, signed, px)[0]


def walk(
    start: Held | None, start_positions: np.ndarray, signed: np.ndarray, px: np.ndarray
) -> tuple[Held, list[float | None]]:
    """`replay`, with the entry price in force before each fill (None where not in view)."""
    if len(signed) == 0:
        return start or Held(0.0, None), []
    size = float(start_positions[0])
    entry = start.entry_px if start is not None and round(start.size - size, SIZE_DIGITS) == 0 else None
    if size == 0:
        entry = None
    before: list[float | None] = []
    for d, p in zip(signed.tolist(), px.tolist()):
        before.append(entry)
        new = round(size + d, SIZE_DIGITS)
        if size == 0 or (new * size < 0):  # opened from flat, or flipped: the rest opens at p
            entry = p
        elif abs(new) > abs(size):  # adds to the position
            entry = None if entry is None else (entry * abs(size) + p * abs(d)) / abs(new)
        if new == 0:
            entry = None
        size = new
    return Held(size, entry), before
