"""Text that goes into DuckDB statements."""

from __future__ import annotations

from pathlib import Path


def quoted(path: Path) -> str:
    """`path` as a SQL string literal, quotes included."""
    return "'" + str(path).replace("'", "''") + "'"
