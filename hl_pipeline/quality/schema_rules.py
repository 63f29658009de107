"""Expectations that a frame has exactly the columns and pandas dtypes of a lake Arrow schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from hl_pipeline.quality.per_date import PARTITION_COLUMN

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation


def _gx_type(arrow_type: pa.DataType) -> str:
    """The type name GX compares a pandas column with (tz-aware datetimes are `Timestamp`)."""
    return "Timestamp" if pa.types.is_timestamp(arrow_type) else arrow_type.to_pandas_dtype().__name__


def schema_rules(check: str, schema: pa.Schema) -> list:
    """GX expectations: the exact column set, and the dtype of each non-string column.

    String columns are object dtype in pandas, where GX tests every value in Python (0.2 s per
    column per 200k rows); `dtype_failures` checks them with pandas' type inference instead.
    """
    import great_expectations as gx

    E = gx.expectations
    rules: list[tuple[str, Expectation]] = [
        (check, E.ExpectTableColumnsToMatchSet(column_set=schema.names, exact_match=True))
    ]
    rules += [
        (check, E.ExpectColumnValuesToBeOfType(column=f.name, type_=_gx_type(f.type)))
        for f in schema
        if not pa.types.is_string(f.type)
    ]
    return rules


def schema_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as the schema check sees it: without the optional partition-key column."""
    return df.drop(columns=[PARTITION_COLUMN], errors="ignore")


def dtype_failures(df: pd.DataFrame, schema: pa.Schema) -> dict:
    """What the GX schema rules leave out: string columns holding only strings (or nulls), and
    timestamp columns in UTC (GX checks only that they are tz-aware)."""
    failures = {}
    for f in schema:
        if f.name not in df.columns:
            continue
        if pa.types.is_string(f.type):
            inferred = pd.api.types.infer_dtype(df[f.name], skipna=True)
            if inferred not in ("string", "empty"):
                failures[f"string({f.name})"] = f"expected strings, found {inferred}"
        elif pa.types.is_timestamp(f.type) and str(getattr(df[f.name].dtype, "tz", None)) != "UTC":
            failures[f"timezone({f.name})"] = f"expected UTC, found {getattr(df[f.name].dtype, 'tz', None)}"
    return failures


def dtypes(df: pd.DataFrame) -> dict[str, str]:
    return {c: str(t) for c, t in df.dtypes.items()}
