"""Materialization metadata for lake-writing assets: rows, coverage, gaps, schema, a preview."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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


def column_schema(dataset: str) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(f.name, str(f.type), constraints=dg.TableColumnConstraints(nullable=f.nullable))
            for f in SCHEMAS[dataset]
        ]
    )


def lake_metadata(manifests: Sequence[Manifest], lake_root: Path) -> dict:
    """What the run wrote, summarised for the Dagster UI."""
    last = manifests[-1]
    gaps = markdown_table(gap_list(manifests)) if any(m.gaps for m in manifests) else "_no gaps_"
    return {
        "dagster/row_count": sum(m.rows for m in manifests),
        "dagster/column_schema": column_schema(last.dataset),
        "partitions_written": len(manifests),
        "missing_bars": sum(m.gap_bars for m in manifests),
        "duplicates_dropped": sum(m.duplicates_dropped for m in manifests),
        "coverage": dg.MetadataValue.md(markdown_table(coverage_by_coin(manifests))),
        "gaps": dg.MetadataValue.md(gaps),
        "preview": dg.MetadataValue.md(partition_preview(lake_root, last)),
        "path": dg.MetadataValue.path(str(dataset_path(lake_root, last))),
        "code_version": last.code_version,
    }
