"""Outcomes for checks that cannot run because the frame does not have the dataset's schema."""

from __future__ import annotations

from hl_pipeline.quality.outcome import CheckOutcome


def unreadable_outcomes(checks: list[str], severity: str, dates: list[str]) -> list[CheckOutcome]:
    text = "not evaluated: the frame does not match the dataset schema (see the schema check)"
    return [CheckOutcome(check, date, False, severity, text, {}) for check in checks for date in dates]
