"""Checks of the venue datasets as partitioned asset checks; catalogs: name -> (blocking, what it asserts)."""

import dagster as dg

from hl_pipeline.defs._shared.checks import check_specs, report, run_dates
from hl_pipeline.defs._shared.partitions import daily_partitions
from hl_pipeline.defs.resources import LakeResource, MarketResource
from hl_pipeline.settings import Settings

VENUE_CANDLE_CHECKS = {
    "venue_candles_valid": (
        True,
        "Positive prices, OHLC consistent, one row per coin, venue, symbol, minute.",
    ),
    "venue_candles_cross_venue": (
        False,
        "Hyperliquid's 1m close against each venue's and the venues' oracle-weighted median, per minute: "
        "at most 1% of minutes beyond 100 bps; flagged minutes and venue gaps recorded, never dropped.",
    ),
}
VENUE_FUNDING_CHECKS = {
    "venue_funding_valid": (True, "The hourly rate is the venue's rate over its interval, within 4%/hour."),
}


def venue_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    daily = daily_partitions(settings)
    cross = {"venue_candles_cross_venue": [dg.AssetKey("candles")]}

    @dg.multi_asset_check(specs=check_specs("venue_candles", VENUE_CANDLE_CHECKS, daily, cross))
    def venue_candle_checks(
        context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource
    ):
        from hl_pipeline.steps.venue_checks import venue_candle_outcomes

        outcomes = venue_candle_outcomes(lake.path, run_dates(context)[0], market.coins)
        yield from report(context, "venue_candles", outcomes, VENUE_CANDLE_CHECKS)

    @dg.multi_asset_check(specs=check_specs("venue_funding", VENUE_FUNDING_CHECKS, daily))
    def venue_funding_checks(
        context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource
    ):
        from hl_pipeline.steps.venue_checks import venue_funding_outcomes

        outcomes = venue_funding_outcomes(lake.path, run_dates(context)[0], market.coins)
        yield from report(context, "venue_funding", outcomes, VENUE_FUNDING_CHECKS)

    return [venue_candle_checks, venue_funding_checks]
