"""Completeness of collected streams: the gaps each partition's manifest records, one outcome per day."""

from __future__ import annotations

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.quality.outcome import WARN, CheckOutcome


def gap_outcomes(check: str, manifests: dict[str, dict[str, Manifest | None]]) -> list[CheckOutcome]:
    """manifests[date][coin] -> a WARN outcome per date listing every gap with its minutes and cause;
    passes only when no coin misses any span of the day."""
    outcomes = []
    for date, by_coin in manifests.items():
        unwritten = sorted(c for c, m in by_coin.items() if m is None)
        gaps = [{"coin": c, **g} for c, m in sorted(by_coin.items()) if m for g in m.gaps]
        minutes = {c: sum(g["minutes"] for g in m.gaps) for c, m in sorted(by_coin.items()) if m and m.gaps}
        if unwritten:
            text = f"not written for {', '.join(unwritten)}"
        elif gaps:
            text = (
                f"{len(gaps)} gaps, {sum(minutes.values())} minutes without data; "
                f"first {gaps[0]['coin']} {gaps[0]['start']} to {gaps[0]['end']} ({gaps[0]['cause']})"
            )
        else:
            text = "no gaps: every coin captured over the whole span"
        metadata = {"gap_count": len(gaps), "minutes_by_coin": minutes, "gaps": gaps, "unwritten": unwritten}
        outcomes.append(CheckOutcome(check, date, not gaps and not unwritten, WARN, text, metadata))
    return outcomes
