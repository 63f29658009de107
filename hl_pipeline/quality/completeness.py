"""Completeness against coverage: expected bars (or funding hours) present, gaps listed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hl_pipeline.quality.coverage import Coverage, parse_series, span_gaps
from hl_pipeline.quality.outcome import MAX_EXAMPLES, WARN, CheckOutcome

Present = Callable[[str, str, str], np.ndarray]
"""(coin, interval, source) -> open times (epoch ms) present in the frame."""


def completeness_outcomes(
    check: str, coverage: Coverage, dates: list[str], present: Present
) -> list[CheckOutcome]:
    """One WARN outcome per date: passes when every expected bar is present."""
    return [_date_outcome(check, date, coverage.get(date), present) for date in dates]


def _date_outcome(check: str, date: str, by_coin: dict | None, present: Present) -> CheckOutcome:
    if by_coin is None:
        return CheckOutcome(
            check, date, False, WARN, "no coverage recorded for this date: nothing was ingested", {}
        )
    expected = 0
    gaps: list[dict] = []
    missing_by_coin: dict[str, dict[str, int]] = {}
    unavailable: dict[str, list] = {}
    partial: dict[str, list] = {}
    for coin, series in sorted(by_coin.items()):
        for key, span in sorted(series.items()):
            interval, source = parse_series(key)
            note = {"series": key, "reason": span.get("reason", "")}
            if span.get("status") == "unavailable":
                unavailable.setdefault(coin, []).append(note)
                continue
            if span.get("status") == "partial":
                partial.setdefault(coin, []).append(note)
            count, found = span_gaps(interval, source, span, present(coin, interval, source))
            expected += count
            if found:
                missing_by_coin.setdefault(coin, {})[key] = sum(g["bars"] for g in found)
                gaps += [{"coin": coin, "source": source, **g} for g in found]
    missing = sum(g["bars"] for g in gaps)
    metadata = {
        "expected_bars": expected,
        "present_bars": expected - missing,
        "missing_bars": missing,
        "gap_count": len(gaps),
        "gaps": gaps[:MAX_EXAMPLES],
        "missing_by_coin": missing_by_coin,
        "unavailable": unavailable,
        "partial": partial,
    }
    return CheckOutcome(
        check, date, missing == 0, WARN, _describe(expected, missing, gaps, unavailable), metadata
    )


def _describe(expected: int, missing: int, gaps: list[dict], unavailable: dict) -> str:
    skipped = sum(len(v) for v in unavailable.values())
    tail = f"; {skipped} series unavailable ({', '.join(sorted(unavailable))})" if skipped else ""
    if not missing:
        return f"all {expected} expected bars present{tail}"
    first = gaps[0]
    return (
        f"{missing} of {expected} expected bars missing in {len(gaps)} gaps, first {first['coin']} "
        f"{first['interval']}/{first['source']} {first['start']} to {first['end']}{tail}"
    )
