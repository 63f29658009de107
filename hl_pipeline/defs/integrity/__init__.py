"""Market integrity: wash trades, spoofing, spikes and venue statistics per coin-day."""

import dagster as dg

from hl_pipeline.defs.integrity.assets import integrity_assets
from hl_pipeline.defs.integrity.checks import integrity_checks
from hl_pipeline.settings import Settings


def integrity_definitions(settings: Settings) -> dg.Definitions:
    job = dg.define_asset_job(
        "integrity_job",
        selection=dg.AssetSelection.groups("integrity"),
        description="Wash trades, spoofing, market anomalies and venue statistics for the selected days.",
    )
    return dg.Definitions(
        assets=integrity_assets(settings), asset_checks=integrity_checks(settings), jobs=[job]
    )
