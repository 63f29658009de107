"""Checks of the universe dataset (listed perps and their contexts), one outcome per (check, date)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hl_pipeline.lake.schemas import UNIVERSE
from hl_pipeline.quality.gx_runner import cached_suite, run_suite, suite
from hl_pipeline.quality.outcome import ERROR, CheckOutcome
from hl_pipeline.quality.per_date import PARTITION_COLUMN, row_days, rule_outcomes
from hl_pipeline.quality.schema_rules import dtype_failures, dtypes, schema_frame, schema_rules
from hl_pipeline.quality.unreadable import unreadable_outcomes

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

PRICES = ["prev_day_px", "oracle_px", "mark_px", "mid_px", "impact_bid_px", "impact_ask_px"]
AMOUNTS = ["open_interest", "day_ntl_vlm", "day_base_vlm"]


@cached_suite
def universe_schema_suite():
    return suite("universe_schema", schema_rules("universe_schema", UNIVERSE))


@cached_suite
def universe_values_suite(by_partition: bool = False):
    """One row per asset and coin in each snapshot, sane sizes, positive prices where known.

    `by_partition`: the frame carries a `date` column, and snapshots are unique within a date
    (back-filled days captured by one run share their snapshot time)."""
    import great_expectations as gx

    E, valid = gx.expectations, "universe_valid_values"
    key = [PARTITION_COLUMN, "time"] if by_partition else ["time"]
    rules: list[Expectation] = [
        E.ExpectColumnValuesToNotBeNull(column=f.name) for f in UNIVERSE if not f.nullable
    ]
    rules += [
        E.ExpectCompoundColumnsToBeUnique(column_list=[*key, "asset_id"]),
        E.ExpectCompoundColumnsToBeUnique(column_list=[*key, "coin"]),
        E.ExpectColumnValuesToBeBetween(column="sz_decimals", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="max_leverage", min_value=1),
    ]
    rules += [E.ExpectColumnValuesToBeBetween(column=c, min_value=0, strict_min=True) for c in PRICES]
    rules += [E.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in AMOUNTS]
    return suite("universe_values", [(valid, r) for r in rules])


def _tracked_outcome(df: pd.DataFrame, mask: np.ndarray, date: str, tracked: list[str]) -> CheckOutcome:
    """Every tracked coin in every snapshot of the date, never delisted."""
    day = df[mask]
    snapshots = day.groupby("time")["coin"].agg(set).tolist()
    missing = sorted(c for c in tracked if not snapshots or any(c not in s for s in snapshots))
    delisted = sorted(set(day.loc[day["is_delisted"] & day["coin"].isin(tracked), "coin"]))
    passed = bool(snapshots) and not missing and not delisted
    if passed:
        text = f"all {len(tracked)} tracked coins listed in {len(snapshots)} snapshots"
    elif not snapshots:
        text = "no universe snapshot for this date"
    else:
        text = "; ".join(
            p
            for p in (
                missing and f"not listed: {', '.join(missing)}",
                delisted and f"delisted: {', '.join(delisted)}",
            )
            if p
        )
    metadata = {
        "snapshots": len(snapshots),
        "tracked": list(tracked),
        "missing": missing,
        "delisted": delisted,
    }
    return CheckOutcome("universe_tracked_coins_listed", date, passed, ERROR, text, metadata)


def check_universe(df: pd.DataFrame, dates: list[str], tracked_coins: list[str]) -> list[CheckOutcome]:
    """Schema, tracked coins listed and valid values, all ERROR. A frame holding back-filled days
    whose `time` is the capture time should carry the partition key in a `date` column."""
    raw = schema_frame(df).reset_index(drop=True)
    days = row_days(df)
    schema_results = run_suite(universe_schema_suite(), raw)
    outcomes = rule_outcomes(
        "universe_schema",
        ERROR,
        schema_results,
        raw,
        days,
        dates,
        dtype_failures(raw, UNIVERSE),
        {"dtypes": dtypes(raw)},
    )
    by_partition = PARTITION_COLUMN in df.columns
    values = df.reset_index(drop=True) if by_partition else raw
    outcomes += rule_outcomes(
        "universe_valid_values",
        ERROR,
        run_suite(universe_values_suite(by_partition), values),
        raw,
        days,
        dates,
    )
    if not all(r.success for r in schema_results):
        return outcomes + unreadable_outcomes(["universe_tracked_coins_listed"], ERROR, dates)
    return outcomes + [_tracked_outcome(raw, days == np.datetime64(d, "D"), d, tracked_coins) for d in dates]
