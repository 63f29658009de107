"""Materialization metadata for lake-writing assets, per partition: rows, coverage, gaps, schema,
a preview. In a single-run backfill each partition still gets its own (`add_asset_metadata`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dagster as dg

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.report import (
    coverage_by_coin,
    dataset_path,
    gap_list,
    markdown_table,
    partition_preview,
)
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.storage import Location

Extra = Callable[[str, list[Manifest]], Mapping[str, Any]]
"""(partition key, its manifests) -> more metadata for that partition."""


def column_schema(dataset: str) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                f.name,
                str(f.type),
                description=(f.metadata or {}).get(b"description", b"").decode() or None,
                constraints=dg.TableColumnConstraints(nullable=f.nullable),
            )
            for f in SCHEMAS[dataset]
        ]
    )


def _by_partition(manifests: Sequence[Manifest]) -> dict[str, list[Manifest]]:
    out: dict[str, list[Manifest]] = {}
    for m in manifests:
        out.setdefault(m.date, []).append(m)
    return out


def partition_metadata(manifests: list[Manifest], lake_root: Location) -> dict[str, Any]:
    """What one partition (every coin of one day) holds, for the Dagster UI."""
    first = manifests[0]
    gaps = markdown_table(gap_list(manifests)) if any(m.gaps for m in manifests) else "_no gaps_"
    return {
        "dagster/row_count": sum(m.rows for m in manifests),
        "dagster/column_schema": column_schema(first.dataset),
        "coins": len(manifests),
        "missing_bars": sum(m.gap_bars for m in manifests),
        "duplicates_dropped": sum(m.duplicates_dropped for m in manifests),
        "coverage": dg.MetadataValue.md(markdown_table(coverage_by_coin(manifests))),
        "gaps": dg.MetadataValue.md(gaps),
        "preview": dg.MetadataValue.md(partition_preview(lake_root, first)),
        "path": dg.MetadataValue.path(str(dataset_path(lake_root, first))),
        "code_version": first.code_version,
    }


def lake_metadata(
    context: dg.AssetExecutionContext,
    manifests: Sequence[Manifest],
    lake_root: Location,
    extra: Extra | None = None,
) -> dict[str, Any]:
    """Give every partition the run wrote its own metadata; return what is true of the whole run."""
    by_partition = _by_partition(manifests)
    per_partition(
        context,
        {
            key: {**partition_metadata(written, lake_root), **(extra(key, written) if extra else {})}
            for key, written in by_partition.items()
        },
    )
    return {"run_partitions": len(by_partition), "run_rows": sum(m.rows for m in manifests)}


def per_partition(context: dg.AssetExecutionContext, metadata: Mapping[str, Mapping[str, Any]]) -> None:
    """Attach `metadata[key]` to the materialization of partition `key` (e.g. one model target)."""
    for key, values in metadata.items():
        context.add_asset_metadata(dict(values), partition_key=key)
