"""Split whole-frame expectation results into one outcome per date partition.

A row belongs to the UTC date of its `time` (or to its `date` column when the frame carries
the partition key, as universe rows of back-filled days do). A row whose date is unknown
(null or unreadable time) counts against every date; so does a failure of the frame as a whole.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.quality.gx_runner import RuleResult
from hl_pipeline.quality.outcome import MAX_EXAMPLES, CheckOutcome, example_rows, jsonable

PARTITION_COLUMN = "date"


def row_days(df: pd.DataFrame) -> np.ndarray:
    """The partition date of each row as datetime64[D] (NaT when unknown)."""
    if PARTITION_COLUMN in df.columns:
        return pd.to_datetime(df[PARTITION_COLUMN], errors="coerce").to_numpy().astype("datetime64[D]")
    if "time" not in df.columns or not isinstance(df["time"].dtype, pd.DatetimeTZDtype):
        return np.full(len(df), np.datetime64("NaT"), dtype="datetime64[D]")
    return df["time"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[D]")


def on_date(days: np.ndarray, date: str) -> np.ndarray:
    """Mask of rows that count against `date`: rows of that date and rows of unknown date."""
    return (days == np.datetime64(date, "D")) | np.isnat(days)


def rule_outcomes(
    check: str,
    severity: str,
    results: list[RuleResult],
    df: pd.DataFrame,
    days: np.ndarray,
    dates: list[str],
    frame_failures: dict | None = None,
    extra: dict | None = None,
) -> list[CheckOutcome]:
    """One outcome per date for the expectations of `check` (plus failures of the whole frame);
    `extra` is added to every outcome's metadata."""
    mine = [r for r in results if r.check == check]
    whole = dict(frame_failures or {})
    whole.update({r.rule: r.error or jsonable(r.observed) for r in mine if not r.success and r.rows is None})
    present = dict(zip(*np.unique(days[~np.isnat(days)], return_counts=True)))
    unknown = int(np.isnat(days).sum())
    outcomes = []
    for date in dates:
        counts, bad = {}, np.zeros(len(df), dtype=bool)
        for r in mine:
            if r.rows is not None and r.rows.size:
                hit = r.rows[on_date(days[r.rows], date)]
                if hit.size:
                    counts[r.rule] = int(hit.size)
                    bad[hit] = True
        passed = not whole and not counts
        rows = int(present.get(np.datetime64(date, "D"), 0)) + unknown
        metadata = {"rows": rows, "rules": len(mine), "unexpected_rows": int(bad.sum()), **(extra or {})}
        if whole:
            metadata["frame_failures"] = whole
        if counts:
            metadata["unexpected_by_rule"] = counts
            metadata["examples"] = example_rows(df, np.flatnonzero(bad)[:MAX_EXAMPLES])
        outcomes.append(
            CheckOutcome(
                check, date, passed, severity, _describe(passed, rows, len(mine), whole, counts), metadata
            )
        )
    return outcomes


def _describe(passed: bool, rows: int, rules: int, whole: dict, counts: dict) -> str:
    if passed:
        return f"{rows} rows pass all {rules} rules"
    failed = [*whole, *(f"{rule} on {n} rows" for rule, n in counts.items())]
    return (
        f"{len(failed)} of {rules} rules failed: "
        + "; ".join(failed[:3])
        + ("; ..." if len(failed) > 3 else "")
    )
