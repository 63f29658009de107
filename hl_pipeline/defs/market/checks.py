"""Great Expectations suites over the days a run wrote, as partitioned asset checks."""

import dagster as dg

from hl_pipeline.defs.market.assets import candles, funding, universe
from hl_pipeline.defs.market.check_catalog import CANDLE_CHECKS, FUNDING_CHECKS, UNIVERSE_CHECKS
from hl_pipeline.defs.market.check_events import check_events, check_specs, run_dates
from hl_pipeline.defs.market.partitions import daily_partitions
from hl_pipeline.defs.resources import LakeResource, MarketSettings
from hl_pipeline.lake.reader import read_manifest, read_range

CHUNK_DAYS = 31  # days validated per batch: bounds memory on a year's backfill


def _chunks(dates: list[str]) -> list[list[str]]:
    return [dates[i : i + CHUNK_DAYS] for i in range(0, len(dates), CHUNK_DAYS)]


def _coverage(lake: LakeResource, dataset: str, dates: list[str], coins: list[str]) -> dict:
    """coverage[date][coin] as the ingestion recorded it in each partition's manifest."""
    out: dict = {}
    for date in dates:
        for coin in coins:
            manifest = read_manifest(lake.path, dataset, date, coin)
            out.setdefault(date, {})[coin] = manifest.coverage if manifest else {}
    return out


def _outcomes(context: dg.AssetCheckExecutionContext, lake: LakeResource, dataset: str, coins, validate):
    """`validate(frame, dates)` over the run's days, 31 at a time; returns (outcomes, single partition?)."""
    dates, single = run_dates(context)
    outcomes = [
        o
        for chunk in _chunks(dates)
        for o in validate(read_range(lake.path, dataset, chunk, coins, with_date=True).to_pandas(), chunk)
    ]
    return outcomes, single


@dg.multi_asset_check(specs=check_specs(candles, CANDLE_CHECKS, daily_partitions))
def candle_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.quality.candle_checks import check_candles

    coins = market.coin_list()
    outcomes, single = _outcomes(
        context,
        lake,
        "candles",
        coins,
        lambda frame, dates: check_candles(frame, dates, _coverage(lake, "candles", dates, coins)),
    )
    yield from check_events(candles.key, outcomes, single, CANDLE_CHECKS)


@dg.multi_asset_check(specs=check_specs(funding, FUNDING_CHECKS, daily_partitions))
def funding_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.quality.funding_checks import check_funding

    coins = market.coin_list()
    outcomes, single = _outcomes(
        context,
        lake,
        "funding",
        coins,
        lambda frame, dates: check_funding(frame, dates, _coverage(lake, "funding", dates, coins)),
    )
    yield from check_events(funding.key, outcomes, single, FUNDING_CHECKS)


@dg.multi_asset_check(specs=check_specs(universe, UNIVERSE_CHECKS, daily_partitions))
def universe_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.quality.universe_checks import check_universe

    tracked = market.coin_list()
    outcomes, single = _outcomes(
        context, lake, "universe", (None,), lambda frame, dates: check_universe(frame, dates, tracked)
    )
    yield from check_events(universe.key, outcomes, single, UNIVERSE_CHECKS)
