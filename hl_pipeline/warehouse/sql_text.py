"""Text that goes into DuckDB statements."""

from __future__ import annotations

from hl_pipeline.lake.storage import Location


def quoted(path: Location) -> str:
    """`path` as a SQL string literal, quotes included."""
    return "'" + str(path).replace("'", "''") + "'"
