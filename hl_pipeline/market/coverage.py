"""What a partition should hold, and the gaps in what it does hold."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import INTERVAL_MS, candle_open
from hl_pipeline.lake.calendar import iso_ms


def expected_opens(interval: str, start_ms: int, end_ms: int, *, whole_bars: bool) -> np.ndarray:
    """Open times of the bars expected in [start_ms, end_ms).

    With `whole_bars`, only bars that also close by `end_ms` (resampled bars need every
    minute); otherwise every bar that has opened, including the one still in progress.
    """
    step = INTERVAL_MS[interval]
    first = candle_open(start_ms, interval)
    if first < start_ms:
        first += step
    opens = np.arange(first, end_ms, step, dtype=np.int64)
    return opens[opens + step <= end_ms] if whole_bars else opens


def closed_end(interval: str, end_ms: int, now_ms: int) -> int:
    """End of the part of [.., end_ms) whose `interval` bars have all closed by `now_ms`: the open
    of the bar still in progress at `now_ms` when that comes before `end_ms`. A bar opening at or
    after it is not final yet: it is neither stored nor expected."""
    return min(end_ms, candle_open(now_ms, interval))


def find_gaps(expected: np.ndarray, present: np.ndarray, step_ms: int, interval: str) -> list[dict]:
    """Runs of expected bars that are absent, as `{"interval", "start", "end", "bars"}` (end exclusive)."""
    missing = _absent(np.asarray(expected, dtype=np.int64), np.asarray(present, dtype=np.int64))
    if missing.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(missing) != step_ms) + 1
    gaps = []
    for run in np.split(missing, breaks):
        gaps.append(
            {
                "interval": interval,
                "start": iso_ms(int(run[0])),
                "end": iso_ms(int(run[-1]) + step_ms),
                "bars": int(run.size),
            }
        )
    return gaps


def _absent(expected: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The sorted unique values of `expected` not in `present`. A complete day (present equals
    expected) costs one comparison, a sorted `present` a binary search, anything else a set
    difference."""
    if expected.size == present.size and np.array_equal(expected, present):
        return np.empty(0, dtype=np.int64)
    if present.size and bool(np.all(present[1:] >= present[:-1])):
        wanted = np.unique(expected)
        at = np.minimum(np.searchsorted(present, wanted), present.size - 1)
        return wanted[present[at] != wanted]
    return np.setdiff1d(expected, present)


def span_status(day_start: int, day_end: int, expected_start: int, expected_end: int) -> tuple[str, str]:
    """("complete" | "partial" | "unavailable", reason) for an expected span within a day."""
    if expected_start >= expected_end:
        return (
            "unavailable",
            "beyond the API's candle retention" if expected_end > day_start else "not yet observable",
        )
    reasons = []
    if expected_start > day_start:
        reasons.append(f"API retention starts at {iso_ms(expected_start)}")
    if expected_end < day_end:
        reasons.append(f"day in progress until {iso_ms(expected_end)}")
    return ("partial" if reasons else "complete"), "; ".join(reasons)
