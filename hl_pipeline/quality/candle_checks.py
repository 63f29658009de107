"""Checks of the candles dataset over a range of days, one outcome per (check, date)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.lake.schemas import CANDLES
from hl_pipeline.quality.candle_rules import (
    SERIES,
    candles_schema_suite,
    candles_values_suite,
    with_derived_columns,
)
from hl_pipeline.quality.completeness import completeness_outcomes
from hl_pipeline.quality.coverage import Coverage
from hl_pipeline.quality.gx_runner import run_suite
from hl_pipeline.quality.outcome import ERROR, WARN, CheckOutcome
from hl_pipeline.quality.per_date import row_days, rule_outcomes
from hl_pipeline.quality.resampled_match import resampled_match_outcomes
from hl_pipeline.quality.schema_rules import dtype_failures, dtypes, schema_frame
from hl_pipeline.quality.unreadable import unreadable_outcomes


def _present_times(df: pd.DataFrame):
    """(coin, interval, source) -> open times in epoch ms, for the completeness check."""
    timed = df[df["time"].notna()]
    ms = timed["time"].dt.as_unit("ms").astype("int64").to_numpy()
    groups = {
        key: ms[idx] for key, idx in timed.reset_index(drop=True).groupby(SERIES, sort=False).indices.items()
    }
    return lambda coin, interval, source: groups.get((coin, interval, source), np.empty(0, dtype=np.int64))


def check_candles(
    df: pd.DataFrame,
    dates: list[str],
    coverage: Coverage,
    price_rtol: float = 1e-9,
    volume_rtol: float = 1e-6,
) -> list[CheckOutcome]:
    """Schema, valid values, unique increasing bars (ERROR); completeness against `coverage` and
    resampled-versus-native agreement (WARN). A date without rows still gets every outcome."""
    raw = schema_frame(df)
    days = row_days(df)
    schema_results = run_suite(candles_schema_suite(), raw)
    outcomes = rule_outcomes(
        "candles_schema",
        ERROR,
        schema_results,
        raw,
        days,
        dates,
        dtype_failures(raw, CANDLES),
        {"dtypes": dtypes(raw)},
    )
    derived = with_derived_columns(raw)
    value_results = run_suite(candles_values_suite(), derived)
    for check in ("candles_valid_values", "candles_unique_increasing"):
        outcomes += rule_outcomes(check, ERROR, value_results, derived, days, dates)
    if not all(r.success for r in schema_results):
        return outcomes + unreadable_outcomes(
            ["candles_complete", "candles_resampled_match_native"], WARN, dates
        )
    outcomes += completeness_outcomes("candles_complete", coverage, dates, _present_times(raw))
    outcomes += resampled_match_outcomes(
        "candles_resampled_match_native", raw, dates, price_rtol, volume_rtol
    )
    return outcomes
