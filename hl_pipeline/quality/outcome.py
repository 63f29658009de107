"""The result of one check on one date partition, and JSON-safe values for its metadata."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

ERROR = "ERROR"  # bad data must not flow on
WARN = "WARN"
MAX_EXAMPLES = 10


@dataclass(frozen=True)
class CheckOutcome:
    check: str
    partition: str  # "YYYY-MM-DD"
    passed: bool
    severity: str  # ERROR or WARN
    description: str
    metadata: dict


def jsonable(value: Any) -> Any:
    """`value` as plain JSON types: timestamps as ISO strings, NaN and NaT as None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def example_rows(df: pd.DataFrame, positions, columns: list[str] | None = None) -> list[dict]:
    """At most MAX_EXAMPLES rows of `df` (by position) as JSON-safe dicts."""
    rows = df.iloc[list(positions)[:MAX_EXAMPLES]]
    if columns is not None:
        rows = rows[[c for c in columns if c in rows.columns]]
    return [jsonable(r) for r in rows.to_dict("records")]
