"""Checks of book_snapshots over a range of days, one outcome per (check, date)."""

from __future__ import annotations

import pandas as pd

from hl_pipeline.lake.schemas import BOOK_SNAPSHOTS
from hl_pipeline.quality.book_shape import snapshot_summary, stale_stretches
from hl_pipeline.quality.gx_runner import cached_suite, run_suite, suite
from hl_pipeline.quality.ordering import MS_SINCE_PREVIOUS
from hl_pipeline.quality.outcome import ERROR, MAX_EXAMPLES, WARN, CheckOutcome
from hl_pipeline.quality.per_date import row_days, rule_outcomes
from hl_pipeline.quality.schema_rules import dtype_failures, dtypes, schema_frame, schema_rules
from hl_pipeline.quality.unreadable import unreadable_outcomes

MAX_LEVELS = 20  # l2Book sends up to 20 levels a side
STALE_SECONDS = 60.0
SUMMARY_CHECKS = (
    "book_snapshots_not_crossed",
    "book_snapshots_sorted_levels",
    "book_snapshots_level_counts",
    "book_snapshots_positive",
    "book_snapshots_times_increasing",
)


@cached_suite
def books_schema_suite():
    return suite("book_snapshots_schema", schema_rules("book_snapshots_schema", BOOK_SNAPSHOTS))


@cached_suite
def books_summary_suite(max_levels: int):
    """Expectations over one row per snapshot (see `snapshot_summary`)."""
    import great_expectations as gx

    E = gx.expectations
    return suite(
        "book_snapshots_summary",
        [
            (
                "book_snapshots_not_crossed",
                E.ExpectColumnValuesToBeInSet(column="crossed", value_set=[False]),
            ),
            (
                "book_snapshots_sorted_levels",
                E.ExpectColumnValuesToBeInSet(column="levels_ordered", value_set=[True]),
            ),
            (
                "book_snapshots_level_counts",
                E.ExpectColumnValuesToBeBetween(column="bid_levels", min_value=1, max_value=max_levels),
            ),
            (
                "book_snapshots_level_counts",
                E.ExpectColumnValuesToBeBetween(column="ask_levels", min_value=1, max_value=max_levels),
            ),
            (
                "book_snapshots_positive",
                E.ExpectColumnValuesToBeBetween(column="min_sz", min_value=0, strict_min=True),
            ),
            (
                "book_snapshots_positive",
                E.ExpectColumnValuesToBeBetween(column="min_px", min_value=0, strict_min=True),
            ),
            (
                "book_snapshots_times_increasing",
                E.ExpectColumnValuesToBeBetween(column=MS_SINCE_PREVIOUS, min_value=0, strict_min=True),
            ),
        ],
    )


def _stale_outcomes(summary: pd.DataFrame, dates: list[str], min_seconds: float) -> list[CheckOutcome]:
    days = row_days(summary)
    outcomes = []
    for date in dates:
        found = stale_stretches(
            summary[days == pd.Timestamp(date).to_datetime64().astype("datetime64[D]")], min_seconds
        )
        text = (
            f"{len(found)} stretches of {min_seconds:g} s or more with an unchanged top of book, longest "
            f"{max(f['seconds'] for f in found):.0f} s"
            if found
            else f"no top of book unchanged for {min_seconds:g} s or more"
        )
        outcomes.append(
            CheckOutcome(
                "book_snapshots_stale",
                date,
                not found,
                WARN,
                text,
                {
                    "stale_stretches": len(found),
                    "stretches": found[:MAX_EXAMPLES],
                    "min_seconds": min_seconds,
                },
            )
        )
    return outcomes


def check_books(
    df: pd.DataFrame, dates: list[str], max_levels: int = MAX_LEVELS, stale_seconds: float = STALE_SECONDS
) -> list[CheckOutcome]:
    """Schema (ERROR); per snapshot: not crossed, bids descending and asks ascending from level 0,
    1..max_levels levels a side, positive sizes and prices, times increasing per coin (ERROR);
    stale stretches listed (WARN). A date without rows still gets every outcome."""
    raw = schema_frame(df)
    days = row_days(df)
    schema_results = run_suite(books_schema_suite(), raw)
    outcomes = rule_outcomes(
        "book_snapshots_schema",
        ERROR,
        schema_results,
        raw,
        days,
        dates,
        dtype_failures(raw, BOOK_SNAPSHOTS),
        {"dtypes": dtypes(raw)},
    )
    if not all(r.success for r in schema_results):
        return outcomes + unreadable_outcomes([*SUMMARY_CHECKS, "book_snapshots_stale"], ERROR, dates)
    summary = snapshot_summary(df)
    results = run_suite(books_summary_suite(max_levels), summary)
    snap_days = row_days(summary)
    outcomes += [
        o for check in SUMMARY_CHECKS for o in rule_outcomes(check, ERROR, results, summary, snap_days, dates)
    ]
    return outcomes + _stale_outcomes(summary, dates, stale_seconds)
