"""Market data from the info API: universe, candles, funding, their checks, job and schedules."""

import dagster as dg

from hl_pipeline.defs.market.assets import market_assets
from hl_pipeline.defs.market.checks import market_checks
from hl_pipeline.defs.market.jobs import market_jobs
from hl_pipeline.settings import Settings


def market_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions.merge(
        dg.Definitions(assets=market_assets(settings), asset_checks=market_checks(settings)),
        market_jobs(settings),
    )
