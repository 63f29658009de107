"""Order flow: trades and book snapshots from the collector and the S3 archives."""

import dagster as dg

from hl_pipeline.defs.order_flow.assets import collector_landing, order_flow_assets
from hl_pipeline.defs.order_flow.automation import order_flow_automation
from hl_pipeline.defs.order_flow.checks import order_flow_checks
from hl_pipeline.settings import Settings


def order_flow_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions.merge(
        dg.Definitions(
            assets=[collector_landing, *order_flow_assets(settings)], asset_checks=order_flow_checks(settings)
        ),
        order_flow_automation(),
    )
