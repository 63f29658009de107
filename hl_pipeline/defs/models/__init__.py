"""Models: training, gated promotion, predictions, backtests and live scores, with MLflow."""

import dagster as dg

from hl_pipeline.defs.models.assets import model_assets
from hl_pipeline.defs.models.automation import model_automation
from hl_pipeline.defs.models.checks import model_checks
from hl_pipeline.defs.models.live import live_definitions
from hl_pipeline.settings import Settings


def model_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions.merge(
        dg.Definitions(assets=model_assets(settings), asset_checks=model_checks(settings)),
        live_definitions(settings),
        model_automation(),
    )
