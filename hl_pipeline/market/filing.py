"""Rows filed under a coin's lake key (lake/coin_keys.py): the path-safe name of a spot pair."""

from __future__ import annotations

import pyarrow as pa


def filed_under(table: pa.Table, key: str) -> pa.Table:
    """`table` with its `coin` column set to the lake key `key` (a perp's key is its name)."""
    index = table.schema.get_field_index("coin")
    return table.set_column(index, table.schema.field(index), pa.array([key] * table.num_rows, pa.string()))
