"""The analysts' catalog: data/warehouse.duckdb with a view per lake dataset."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from hl_pipeline.defs._shared.policy import GATED, asset_policy
from hl_pipeline.defs.resources import LakeResource
from hl_pipeline.lake.report import markdown_table
from hl_pipeline.warehouse.catalog import publish_catalog


@dg.asset(
    deps=["universe", "candles", "funding", "trades", "book_snapshots"],
    group_name="warehouse",
    kinds={"duckdb"},
    pool="duckdb",
    automation_condition=GATED,
    **asset_policy("warehouse"),
)
def warehouse(duckdb: DuckDBResource, lake: LakeResource) -> dg.MaterializeResult:
    """DuckDB views over the Parquet lake (one per dataset, plus `gaps`; the views split by coin add
    `market` and `exchange_coin`, so one query covers perps and spot pairs) and the `manifests`
    table, whose refresh reads only the footers written since the last; the only writer of the
    catalog file."""
    views = publish_catalog(Path(duckdb.database), lake.path)
    sql = "SELECT market, exchange_coin, count(*) FROM candles GROUP BY ALL"
    query = f'`duckdb -readonly {duckdb.database} -c "{sql}"`'
    return dg.MaterializeResult(
        metadata={
            "views": dg.MetadataValue.md(markdown_table([{"view": v, "rows": n} for v, n in views.items()])),
            "database": dg.MetadataValue.path(duckdb.database),
            "try": dg.MetadataValue.md(query),
        }
    )


def warehouse_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[warehouse],
        jobs=[
            dg.define_asset_job(
                "warehouse_job", selection=[warehouse], description="Refresh the DuckDB catalog."
            )
        ],
        sensors=[
            dg.AutomationConditionSensorDefinition(
                "warehouse_automation",
                target=dg.AssetSelection.groups("warehouse"),
                default_status=dg.DefaultSensorStatus.RUNNING,
            )
        ],
    )
