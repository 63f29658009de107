"""Checks of the asset_contexts dataset over a range of days, one outcome per (check, date)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from hl_pipeline.lake.schemas import ASSET_CONTEXTS
from hl_pipeline.quality.funding_checks import MAX_ABS_HOURLY_RATE
from hl_pipeline.quality.gx_runner import cached_suite, run_suite, suite
from hl_pipeline.quality.ordering import unique_increasing_rules, with_ms_since_previous
from hl_pipeline.quality.outcome import ERROR, CheckOutcome
from hl_pipeline.quality.per_date import row_days, rule_outcomes
from hl_pipeline.quality.schema_rules import dtype_failures, dtypes, schema_frame, schema_rules

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

PRICES = ("prev_day_px", "oracle_px", "mark_px", "mid_px", "impact_bid_px", "impact_ask_px")


@cached_suite
def contexts_schema_suite():
    return suite("asset_contexts_schema", schema_rules("asset_contexts_schema", ASSET_CONTEXTS))


@cached_suite
def contexts_values_suite():
    """Required columns present; open interest and volume not negative, prices positive, funding within
    the exchange's cap; one row per time and coin, increasing."""
    import great_expectations as gx

    E, valid = gx.expectations, "asset_contexts_valid_values"
    rules: list[tuple[str, Expectation]] = [
        (valid, E.ExpectColumnValuesToNotBeNull(column=f.name)) for f in ASSET_CONTEXTS if not f.nullable
    ]
    rules += [
        (valid, E.ExpectColumnValuesToBeBetween(column=c, min_value=0))
        for c in ("open_interest", "day_ntl_vlm")
    ]
    rules += [
        (valid, E.ExpectColumnValuesToBeBetween(column=c, min_value=0, strict_min=True)) for c in PRICES
    ]
    rules.append(
        (
            valid,
            E.ExpectColumnValuesToBeBetween(
                column="funding", min_value=-MAX_ABS_HOURLY_RATE, max_value=MAX_ABS_HOURLY_RATE
            ),
        )
    )
    rules.append((valid, E.ExpectColumnValuesToBeInSet(column="source", value_set=["archive", "snapshot"])))
    return suite(
        "asset_contexts_values", rules + unique_increasing_rules("asset_contexts_unique_increasing", ["coin"])
    )


def check_contexts(df: pd.DataFrame, dates: list[str]) -> list[CheckOutcome]:
    """Schema, valid values, unique increasing times (all ERROR); a date without rows still gets every
    outcome (its missing minutes are the manifest's gaps)."""
    raw = schema_frame(df)
    days = row_days(df)
    schema_results = run_suite(contexts_schema_suite(), raw)
    outcomes = rule_outcomes(
        "asset_contexts_schema",
        ERROR,
        schema_results,
        raw,
        days,
        dates,
        dtype_failures(raw, ASSET_CONTEXTS),
        {"dtypes": dtypes(raw)},
    )
    derived = with_ms_since_previous(raw.reset_index(drop=True), ["coin"])
    value_results = run_suite(contexts_values_suite(), derived)
    for check in ("asset_contexts_valid_values", "asset_contexts_unique_increasing"):
        outcomes += rule_outcomes(check, ERROR, value_results, derived, days, dates)
    return outcomes
