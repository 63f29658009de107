"""Great Expectations suites over the days a run wrote, as partitioned asset checks.
Catalogs: name -> (blocking, what it asserts); blocking checks stop bad data flowing on."""

import dagster as dg

from hl_pipeline.defs._shared.checks import check_specs, report, run_dates
from hl_pipeline.defs._shared.partitions import daily_partitions
from hl_pipeline.defs.resources import LakeResource, MarketResource
from hl_pipeline.settings import Settings

CANDLE_CHECKS = {
    "candles_schema": (True, "Columns and types match the candles schema."),
    "candles_valid_values": (
        True,
        "No nulls; OHLC consistent; volume and trade counts not negative; "
        "close_time = time + interval - 1 ms.",
    ),
    "candles_unique_increasing": (True, "Unique and increasing open times per coin, interval and source."),
    "candles_complete": (
        False,
        "Every expected bar present per coin-day; gaps listed; "
        "spans beyond the API's retention reported as unavailable.",
    ),
    "candles_resampled_match_native": (False, "Bars resampled from 1m equal the exchange's native bars."),
}
FUNDING_CHECKS = {
    "funding_schema": (True, "Columns and types match the funding schema."),
    "funding_valid_values": (True, "Rates present and within the exchange's 4%/hour cap; premiums finite."),
    "funding_unique_increasing": (True, "One row per funding time, increasing."),
    "funding_complete": (False, "One funding row per hour per coin; missing hours listed."),
}
UNIVERSE_CHECKS = {
    "universe_schema": (True, "Columns and types match the universe schema."),
    "universe_tracked_coins_listed": (True, "Every configured coin is listed and not delisted."),
    "universe_valid_values": (
        True,
        "Unique asset ids; sane size decimals and leverage; positive context prices.",
    ),
}


def market_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    daily = daily_partitions(settings)

    @dg.multi_asset_check(specs=check_specs("candles", CANDLE_CHECKS, daily))
    def candle_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource):
        from hl_pipeline.steps.data_checks import candle_outcomes

        yield from report(
            context,
            "candles",
            candle_outcomes(lake.path, run_dates(context)[0], market.all_keys()),
            CANDLE_CHECKS,
        )

    @dg.multi_asset_check(specs=check_specs("funding", FUNDING_CHECKS, daily))
    def funding_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource):
        from hl_pipeline.steps.data_checks import funding_outcomes

        outcomes = funding_outcomes(lake.path, run_dates(context)[0], market.coins)
        yield from report(context, "funding", outcomes, FUNDING_CHECKS)

    @dg.multi_asset_check(specs=check_specs("universe", UNIVERSE_CHECKS, daily))
    def universe_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource):
        from hl_pipeline.steps.data_checks import universe_outcomes

        outcomes = universe_outcomes(lake.path, run_dates(context)[0], market.coins)
        yield from report(context, "universe", outcomes, UNIVERSE_CHECKS)

    return [candle_checks, funding_checks, universe_checks]
