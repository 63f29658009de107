"""Features, labels and training sets (the ml data group), with their checks and job."""

import dagster as dg

from hl_pipeline.defs.ml.assets import ml_assets
from hl_pipeline.defs.ml.checks import ml_checks
from hl_pipeline.settings import Settings


def ml_definitions(settings: Settings) -> dg.Definitions:
    ml_data_job = dg.define_asset_job(
        "ml_data_job",
        selection=dg.AssetSelection.groups("ml"),
        description="Features, labels and training sets for the selected days (one run covers a range).",
    )
    return dg.Definitions(assets=ml_assets(settings), asset_checks=ml_checks(settings), jobs=[ml_data_job])
