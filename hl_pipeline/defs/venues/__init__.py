"""Other venues through ccxt: their markets mapped to Hyperliquid's coins, 1m candles, funding and open
interest, checked against Hyperliquid's own candles; their job and schedules."""

import dagster as dg

from hl_pipeline.defs.venues.assets import venue_assets
from hl_pipeline.defs.venues.checks import venue_checks
from hl_pipeline.defs.venues.jobs import venue_jobs
from hl_pipeline.settings import Settings


def venue_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions.merge(
        dg.Definitions(assets=venue_assets(settings), asset_checks=venue_checks(settings)),
        venue_jobs(settings),
    )
