"""Great Expectations suites over the days a run wrote, as partitioned asset checks."""

import dagster as dg

from hl_pipeline.defs.market.assets import candles, funding, universe
from hl_pipeline.defs.market.check_events import check_events, run_dates
from hl_pipeline.defs.market.partitions import daily_partitions
from hl_pipeline.defs.resources import LakeResource, MarketSettings
from hl_pipeline.lake.reader import read_manifest, read_range

CANDLE_CHECKS = {
    "candles_schema": (True, "Columns and types match the candles schema."),
    "candles_valid_values": (True, "No nulls; OHLC consistent; volume and trade counts not negative; close_time = time + interval - 1 ms."),
    "candles_unique_increasing": (True, "Unique and increasing open times per coin, interval and source."),
    "candles_complete": (False, "Every expected bar present per coin-day; gaps listed; spans beyond the API's retention reported as unavailable."),
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
    "universe_valid_values": (True, "Unique asset ids; sane size decimals and leverage; positive context prices."),
}


CHUNK_DAYS = 31  # days validated per batch: bounds memory on a year's backfill


def _chunks(dates: list[str]) -> list[list[str]]:
    return [dates[i : i + CHUNK_DAYS] for i in range(0, len(dates), CHUNK_DAYS)]


def _specs(asset, checks: dict) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(name, asset=asset, blocking=blocking, description=text, partitions_def=daily_partitions)
        for name, (blocking, text) in checks.items()
    ]


def _blocking(checks: dict) -> dict[str, bool]:
    return {name: blocking for name, (blocking, _) in checks.items()}


def _coverage(lake: LakeResource, dataset: str, dates: list[str], coins: list[str]) -> dict:
    """coverage[date][coin] as the ingestion recorded it in each partition's manifest."""
    out: dict = {}
    for date in dates:
        for coin in coins:
            manifest = read_manifest(lake.path, dataset, date, coin)
            out.setdefault(date, {})[coin] = manifest.coverage if manifest else {}
    return out


@dg.multi_asset_check(specs=_specs(candles, CANDLE_CHECKS))
def candle_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.quality.candle_checks import check_candles

    dates, single = run_dates(context)
    coins = market.coin_list()
    outcomes = [
        o for chunk in _chunks(dates)
        for o in check_candles(read_range(lake.path, "candles", chunk, coins, with_date=True).to_pandas(), chunk,
                               _coverage(lake, "candles", chunk, coins))
    ]
    yield from check_events(candles.key, outcomes, single, _blocking(CANDLE_CHECKS))


@dg.multi_asset_check(specs=_specs(funding, FUNDING_CHECKS))
def funding_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.quality.funding_checks import check_funding

    dates, single = run_dates(context)
    coins = market.coin_list()
    outcomes = [
        o for chunk in _chunks(dates)
        for o in check_funding(read_range(lake.path, "funding", chunk, coins, with_date=True).to_pandas(), chunk,
                               _coverage(lake, "funding", chunk, coins))
    ]
    yield from check_events(funding.key, outcomes, single, _blocking(FUNDING_CHECKS))


@dg.multi_asset_check(specs=_specs(universe, UNIVERSE_CHECKS))
def universe_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.quality.universe_checks import check_universe

    dates, single = run_dates(context)
    outcomes = [
        o for chunk in _chunks(dates)
        for o in check_universe(read_range(lake.path, "universe", chunk, with_date=True).to_pandas(), chunk, market.coin_list())
    ]
    yield from check_events(universe.key, outcomes, single, _blocking(UNIVERSE_CHECKS))
