"""The candles expectation suite (GX 1.x) and the derived columns its rules read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from hl_pipeline.exchange.intervals import INTERVAL_MS, INTERVALS, candle_close
from hl_pipeline.lake.schemas import CANDLES
from hl_pipeline.quality.gx_runner import cached_suite, suite
from hl_pipeline.quality.ordering import unique_increasing_rules, with_ms_since_previous
from hl_pipeline.quality.schema_rules import schema_rules

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

SERIES = ["coin", "interval", "source"]
EXPECTED_CLOSE = "_dq_expected_close_time"


def with_derived_columns(df: pd.DataFrame) -> pd.DataFrame:
    """A positional copy of `df` plus the close time each bar should have and the step from the
    previous bar of its series."""
    out = df.reset_index(drop=True)
    if {*SERIES, "time"} <= set(out.columns) and isinstance(out["time"].dtype, pd.DatetimeTZDtype):
        step = pd.to_timedelta(out["interval"].map(INTERVAL_MS), unit="ms")
        expected = out["time"] + step - pd.Timedelta(1, unit="ms")
        monthly = (out["interval"] == "1M") & out["time"].notna()
        if monthly.any():
            opens = out.loc[monthly, "time"].dt.as_unit("ms").astype("int64")
            expected[monthly] = pd.to_datetime(
                [candle_close(int(t), "1M") for t in opens], unit="ms", utc=True
            )
        out[EXPECTED_CLOSE] = expected
    return with_ms_since_previous(out, SERIES)


@cached_suite
def candles_schema_suite():
    """Columns and dtypes of the lake schema, over the frame as given."""
    return suite("candles_schema", schema_rules("candles_schema", CANDLES))


@cached_suite
def candles_values_suite():
    """Valid values and unique increasing bars, over the frame with its derived columns."""
    import great_expectations as gx

    E = gx.expectations
    valid = "candles_valid_values"
    rules: list[tuple[str, Expectation]] = [
        (valid, E.ExpectColumnValuesToNotBeNull(column=c)) for c in CANDLES.names
    ]
    rules += [
        (valid, E.ExpectColumnValuesToBeInSet(column="interval", value_set=list(INTERVALS))),
        (valid, E.ExpectColumnValuesToBeInSet(column="source", value_set=["api", "resampled"])),
        (
            valid,
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="high", column_B="open", or_equal=True, ignore_row_if="neither"
            ),
        ),
        (
            valid,
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="high", column_B="close", or_equal=True, ignore_row_if="neither"
            ),
        ),
        (
            valid,
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="open", column_B="low", or_equal=True, ignore_row_if="neither"
            ),
        ),
        (
            valid,
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="close", column_B="low", or_equal=True, ignore_row_if="neither"
            ),
        ),
        (valid, E.ExpectColumnValuesToBeBetween(column="low", min_value=0, strict_min=True)),
        (valid, E.ExpectColumnValuesToBeBetween(column="volume", min_value=0)),
        (valid, E.ExpectColumnValuesToBeBetween(column="trades", min_value=0)),
        (
            valid,
            E.ExpectColumnPairValuesToBeEqual(
                column_A="close_time", column_B=EXPECTED_CLOSE, ignore_row_if="neither"
            ),
        ),
    ]
    rules += unique_increasing_rules("candles_unique_increasing", SERIES)
    return suite("candles", rules)
