"""The ml data job: features, labels and training sets with their checks, for a range of days."""

import dagster as dg

from hl_pipeline.defs.market.partitions import daily_partitions

ml_data_job = dg.define_asset_job(
    "ml_data_job",
    selection=dg.AssetSelection.groups("ml"),
    partitions_def=daily_partitions,
    description="Features, labels and training sets for the selected days (one run covers a range).",
)
