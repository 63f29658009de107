"""The market-data job: universe, candles, funding and their checks, for a range of days."""

import dagster as dg

from hl_pipeline.defs.market.partitions import daily_partitions

market_job = dg.define_asset_job(
    "market_job",
    selection=dg.AssetSelection.groups("market"),
    partitions_def=daily_partitions,
    description="Ingest market data for the selected days (one run covers a whole range).",
)
