"""Rules that rows are unique on their key and strictly increasing in time within each series."""

from __future__ import annotations

import pandas as pd

MS_SINCE_PREVIOUS = "_dq_ms_since_previous"


def with_ms_since_previous(df: pd.DataFrame, series: list[str]) -> pd.DataFrame:
    """`df` plus each row's time step (ms) from the previous row of its series, in frame order."""
    if {*series, "time"} <= set(df.columns) and isinstance(df["time"].dtype, pd.DatetimeTZDtype):
        df[MS_SINCE_PREVIOUS] = df.groupby(series, sort=False)["time"].diff().dt.total_seconds() * 1000
    return df


def unique_increasing_rules(check: str, series: list[str]) -> list:
    """GX expectations: unique on series + time, and a positive step from the previous row."""
    import great_expectations as gx

    E = gx.expectations
    return [
        (check, E.ExpectCompoundColumnsToBeUnique(column_list=[*series, "time"], ignore_row_if="never")),
        (check, E.ExpectColumnValuesToBeBetween(column=MS_SINCE_PREVIOUS, min_value=0, strict_min=True)),
    ]
