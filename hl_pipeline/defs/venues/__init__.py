"""Other venues through ccxt: their markets mapped to Hyperliquid's coins, 1m candles, funding and open
interest, checked against Hyperliquid's own candles."""

import dagster as dg

from hl_pipeline.defs.venues.assets import venue_assets
from hl_pipeline.defs.venues.checks import venue_checks
from hl_pipeline.settings import Settings


def venue_definitions(settings: Settings) -> dg.Definitions:
    venues_job = dg.define_asset_job(
        "venues_job",
        selection=dg.AssetSelection.groups("venues"),
        description=(
            "Ingest the configured venues (HL_VENUES: " + (",".join(settings.venues) or "none") + ") for"
            " the selected days in one run: markets, 1m candles, funding and open interest, and the"
            " cross-venue check against Hyperliquid's candles (run market_job for those days first)."
        ),
    )
    return dg.Definitions(
        assets=venue_assets(settings), asset_checks=venue_checks(settings), jobs=[venues_job]
    )
