"""The analysts' catalog: data/warehouse.duckdb with a view per lake dataset."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from hl_pipeline.defs.market.assets import candles, funding, universe
from hl_pipeline.defs.order_flow.assets import book_snapshots, trades
from hl_pipeline.defs.resources import LakeResource
from hl_pipeline.lake.report import markdown_table
from hl_pipeline.warehouse.catalog import refresh_catalog


@dg.asset(
    deps=[universe, candles, funding, trades, book_snapshots],
    group_name="warehouse",
    kinds={"duckdb"},
    pool="duckdb",
    automation_condition=dg.AutomationCondition.eager(),
)
def warehouse(duckdb: DuckDBResource, lake: LakeResource) -> dg.MaterializeResult:
    """DuckDB views over the Parquet lake (one per dataset, plus `manifests` and `gaps`); the only
    writer of the catalog file."""
    with duckdb.get_connection() as conn:
        views = refresh_catalog(conn, lake.path)
    return dg.MaterializeResult(
        metadata={
            "views": dg.MetadataValue.md(markdown_table([{"view": v, "rows": n} for v, n in views.items()])),
            "database": dg.MetadataValue.path(duckdb.database),
            "try": dg.MetadataValue.md(
                f'`duckdb -readonly {duckdb.database} -c "SELECT coin, count(*) FROM candles GROUP BY coin"`'
            ),
        }
    )


warehouse_job = dg.define_asset_job(
    "warehouse_job", selection=[warehouse], description="Refresh the DuckDB catalog."
)
