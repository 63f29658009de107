"""What each partition was expected to hold, and the gaps between that and what it holds.

    coverage[date][coin][series] = {"expected_start": iso, "expected_end": iso,
                                    "status": "complete" | "partial" | "unavailable", "reason": str}

`series` is "interval/source" as the candle manifests key it ("1m/api", "1h/resampled"); a bare
interval ("1m") means source "api". Funding uses the series "1h" (or "1h/api"). Only bars opening
in [expected_start, expected_end) are expected; a resampled series expects only whole bars (every
minute of it observed), an API series also the bar still in progress. An "unavailable" series
(beyond the API's retention, say) expects nothing and is reported as unavailable, not as a gap.
`manifest.coverage` of a candle or funding partition can be passed as `coverage[date][coin]`.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numpy as np

from hl_pipeline.exchange.intervals import INTERVAL_MS
from hl_pipeline.lake.calendar import ms_of_iso
from hl_pipeline.market.coverage import expected_opens, find_gaps


class SpanCoverage(TypedDict, total=False):
    expected_start: str
    expected_end: str
    status: Literal["complete", "partial", "unavailable"]
    reason: str


Coverage = dict[str, dict[str, dict[str, SpanCoverage]]]
"""date -> coin -> series -> expected span."""


def parse_series(key: str) -> tuple[str, str]:
    """("interval", "source") of a series key; the source defaults to "api"."""
    interval, _, source = key.partition("/")
    return interval, source or "api"


def expected_bar_opens(interval: str, source: str, span: SpanCoverage) -> np.ndarray:
    """Open times (epoch ms) of the bars expected in the span; none when it is unavailable."""
    if span.get("status") == "unavailable":
        return np.empty(0, dtype=np.int64)
    start, end = ms_of_iso(span["expected_start"]), ms_of_iso(span["expected_end"])
    return expected_opens(interval, start, end, whole_bars=source == "resampled")


def span_gaps(
    interval: str, source: str, span: SpanCoverage, present_ms: np.ndarray
) -> tuple[int, list[dict]]:
    """(expected bar count, gaps) where each gap is `{"interval", "start", "end", "bars"}`:
    a run of missing bars from the open of the first to the close of the last (end exclusive)."""
    expected = expected_bar_opens(interval, source, span)
    if expected.size == 0:
        return 0, []
    present = np.asarray(present_ms, dtype=np.int64)
    present = present[(present >= expected[0]) & (present <= expected[-1])]
    return int(expected.size), find_gaps(expected, present, INTERVAL_MS[interval], interval)
