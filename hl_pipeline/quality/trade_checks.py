"""Checks of trades over a range of days, one outcome per (check, date), with a cross-check
against the 1m candles of the same minutes."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hl_pipeline.lake.schemas import TRADES
from hl_pipeline.quality.gx_runner import cached_suite, run_suite, suite
from hl_pipeline.quality.ordering import MS_SINCE_PREVIOUS, with_ms_since_previous
from hl_pipeline.quality.outcome import ERROR, CheckOutcome
from hl_pipeline.quality.per_date import row_days, rule_outcomes
from hl_pipeline.quality.schema_rules import dtype_failures, dtypes, schema_frame, schema_rules
from hl_pipeline.quality.unreadable import unreadable_outcomes

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

ADDRESS = r"^0x[0-9a-f]{40}$"
INSIDE = "_dq_inside_candle"  # 1.0 inside the minute's [low, high], 0.0 outside, NaN: no candle to compare
SELF_TRADE = "_dq_self_trade"  # buyer and seller are the same wallet
PRICE_RTOL = 1e-9


@cached_suite
def trades_schema_suite():
    return suite("trades_schema", schema_rules("trades_schema", TRADES))


@cached_suite
def trades_values_suite():
    import great_expectations as gx

    E, valid, unique = gx.expectations, "trades_valid_values", "trades_unique"
    rules: list[tuple[str, Expectation]] = [
        (valid, E.ExpectColumnValuesToNotBeNull(column=f.name)) for f in TRADES
    ]
    rules += [
        (valid, E.ExpectColumnValuesToBeBetween(column="px", min_value=0, strict_min=True)),
        (valid, E.ExpectColumnValuesToBeBetween(column="sz", min_value=0, strict_min=True)),
        (valid, E.ExpectColumnValuesToBeInSet(column="side", value_set=["A", "B"])),
        (valid, E.ExpectColumnValuesToMatchRegex(column="buyer", regex=ADDRESS)),
        (valid, E.ExpectColumnValuesToMatchRegex(column="seller", regex=ADDRESS)),
        (valid, E.ExpectColumnValuesToBeInSet(column=SELF_TRADE, value_set=[False])),
        (
            unique,
            E.ExpectCompoundColumnsToBeUnique(column_list=["coin", "time", "tid"], ignore_row_if="never"),
        ),
        (unique, E.ExpectColumnValuesToBeBetween(column=MS_SINCE_PREVIOUS, min_value=0)),
        ("trades_inside_candle_range", E.ExpectColumnValuesToBeBetween(column=INSIDE, min_value=1)),
    ]
    return suite("trades_values", rules)


def inside_candle(trades: pd.DataFrame, candles: pd.DataFrame, rtol: float = PRICE_RTOL) -> np.ndarray:
    """Per trade: 1.0 if its price lies within its minute's 1m candle [low, high], 0.0 if not, NaN
    when that candle is absent. `candles` holds 1m bars (coin, time, low, high)."""
    minute = trades["time"].dt.floor("min")
    bars = candles.drop_duplicates(["coin", "time"]).set_index(["coin", "time"])[["low", "high"]]
    joined = bars.reindex(pd.MultiIndex.from_arrays([trades["coin"], minute]))
    low, high, px = joined["low"].to_numpy(), joined["high"].to_numpy(), trades["px"].to_numpy()
    inside = (px >= low * (1 - rtol)) & (px <= high * (1 + rtol))
    return np.where(np.isnan(low), np.nan, inside.astype(float))


def check_trades(df: pd.DataFrame, dates: list[str], candles_1m: pd.DataFrame) -> list[CheckOutcome]:
    """Schema, valid values (positive price and size, side A/B, two distinct wallet addresses) and
    unique (coin, time, tid) in time order (ERROR); every price inside its minute's 1m candle
    range (ERROR, not blocking: the two sources disagree, and a person should look)."""
    raw = schema_frame(df)
    days = row_days(df)
    schema_results = run_suite(trades_schema_suite(), raw)
    outcomes = rule_outcomes(
        "trades_schema",
        ERROR,
        schema_results,
        raw,
        days,
        dates,
        dtype_failures(raw, TRADES),
        {"dtypes": dtypes(raw)},
    )
    checks = ["trades_valid_values", "trades_unique", "trades_inside_candle_range"]
    if not all(r.success for r in schema_results):
        return outcomes + unreadable_outcomes(checks, ERROR, dates)
    derived = with_ms_since_previous(raw.reset_index(drop=True), ["coin"])
    derived[SELF_TRADE] = derived["buyer"] == derived["seller"]
    derived[INSIDE] = inside_candle(derived, candles_1m)
    results = run_suite(trades_values_suite(), derived)
    for check in checks:
        outcomes += rule_outcomes(check, ERROR, results, derived, days, dates)
    unmatched = np.isnan(derived[INSIDE].to_numpy())
    return [
        _note_unmatched(o, unmatched, days) if o.check == "trades_inside_candle_range" else o
        for o in outcomes
    ]


def _note_unmatched(outcome: CheckOutcome, unmatched: np.ndarray, days: np.ndarray) -> CheckOutcome:
    """Say how many trades had no candle to be compared with: those were not judged."""
    count = int((unmatched & (days == np.datetime64(outcome.partition, "D"))).sum())
    if not count:
        return outcome
    return dataclasses.replace(
        outcome,
        description=f"{outcome.description}; {count} trades had no 1m candle to compare with",
        metadata={**outcome.metadata, "trades_without_candle": count},
    )
