"""Checks of the funding dataset over a range of days, one outcome per (check, date)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.lake.schemas import FUNDING
from hl_pipeline.quality.completeness import completeness_outcomes
from hl_pipeline.quality.coverage import Coverage
from hl_pipeline.quality.gx_runner import cached_suite, run_suite, suite
from hl_pipeline.quality.ordering import unique_increasing_rules, with_ms_since_previous
from hl_pipeline.quality.outcome import ERROR, WARN, CheckOutcome
from hl_pipeline.quality.per_date import row_days, rule_outcomes
from hl_pipeline.quality.schema_rules import dtype_failures, dtypes, schema_frame, schema_rules
from hl_pipeline.quality.unreadable import unreadable_outcomes

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

MAX_ABS_HOURLY_RATE = 0.04  # the exchange caps funding at 4% per hour


@cached_suite
def funding_schema_suite():
    return suite("funding_schema", schema_rules("funding_schema", FUNDING))


@cached_suite
def funding_values_suite(max_abs_rate: float):
    """Valid values (rate within the cap, premium null or finite) and unique increasing hours."""
    import great_expectations as gx

    E, valid = gx.expectations, "funding_valid_values"
    rules: list[tuple[str, Expectation]] = [
        (valid, E.ExpectColumnValuesToNotBeNull(column=f.name)) for f in FUNDING if not f.nullable
    ]
    rules += [
        (
            valid,
            E.ExpectColumnValuesToBeBetween(
                column="funding_rate", min_value=-max_abs_rate, max_value=max_abs_rate
            ),
        ),
        (
            valid,
            E.ExpectColumnValuesToBeBetween(
                column="premium", min_value=-sys.float_info.max, max_value=sys.float_info.max
            ),
        ),
    ]
    return suite("funding_values", rules + unique_increasing_rules("funding_unique_increasing", ["coin"]))


def _present_hours(df: pd.DataFrame):
    """coin -> funding hours (epoch ms, floored to the hour) present in the frame."""
    timed = df[df["time"].notna()].reset_index(drop=True)
    hours = timed["time"].dt.as_unit("ms").astype("int64").to_numpy() // HOUR_MS * HOUR_MS
    groups = {coin: hours[idx] for coin, idx in timed.groupby("coin", sort=False).indices.items()}
    return lambda coin, _interval, _source: groups.get(coin, np.empty(0, dtype=np.int64))


def check_funding(
    df: pd.DataFrame, dates: list[str], coverage: Coverage, max_abs_rate: float = MAX_ABS_HOURLY_RATE
) -> list[CheckOutcome]:
    """Schema, valid values, unique increasing times (ERROR); one row per expected hour and coin
    (WARN, coverage series "1h"). A date without rows still gets every outcome."""
    raw = schema_frame(df)
    days = row_days(df)
    schema_results = run_suite(funding_schema_suite(), raw)
    outcomes = rule_outcomes(
        "funding_schema",
        ERROR,
        schema_results,
        raw,
        days,
        dates,
        dtype_failures(raw, FUNDING),
        {"dtypes": dtypes(raw)},
    )
    derived = with_ms_since_previous(raw.reset_index(drop=True), ["coin"])
    value_results = run_suite(funding_values_suite(max_abs_rate), derived)
    for check in ("funding_valid_values", "funding_unique_increasing"):
        outcomes += rule_outcomes(check, ERROR, value_results, derived, days, dates)
    if not all(r.success for r in schema_results):
        return outcomes + unreadable_outcomes(["funding_complete"], WARN, dates)
    return outcomes + completeness_outcomes("funding_complete", coverage, dates, _present_hours(raw))
