"""Table hygiene before a write: conform to the schema, sort, drop duplicate keys, hash content."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.compute as pc


def conform(table: pa.Table, schema: pa.Schema, name: str) -> pa.Table:
    """Select and cast `table` to `schema`; a missing or extra column raises naming it."""
    missing = [f.name for f in schema if f.name not in table.column_names]
    extra = [c for c in table.column_names if c not in schema.names]
    if missing or extra:
        raise ValueError(f"{name}: columns do not match the schema (missing {missing}, unexpected {extra})")
    for f in schema:
        if not f.nullable and table.column(f.name).null_count:
            raise ValueError(f"{name}: column {f.name!r} has {table.column(f.name).null_count} nulls")
    return table.select(schema.names).cast(schema)


def dedupe_sorted(table: pa.Table, keys: list[str]) -> tuple[pa.Table, int]:
    """Sort by `keys` and keep the first row of each key; returns the table and rows dropped."""
    if table.num_rows == 0:
        return table, 0
    table = table.sort_by([(k, "ascending") for k in keys])
    if table.num_rows == 1:
        return table, 0
    changed = None
    for k in keys:
        col = table.column(k)
        differs = pc.not_equal(col.slice(1), col.slice(0, table.num_rows - 1))
        changed = differs if changed is None else pc.or_(changed, differs)
    assert changed is not None  # keys is not empty
    mask = pa.concat_arrays([pa.array([True]), changed.combine_chunks()])
    kept = table.filter(mask)
    return kept, table.num_rows - kept.num_rows


def content_hash(table: pa.Table, exclude: tuple[str, ...] = ("ingest_time",)) -> str:
    """sha256 of the rows, ignoring `exclude`: equal data gives an equal hash across re-runs."""
    cols = [c for c in table.column_names if c not in exclude]
    sink = pa.BufferOutputStream()
    data = table.select(cols).combine_chunks()
    data = data.cast(pa.schema([f.remove_metadata() for f in data.schema]))  # descriptions are not content
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
