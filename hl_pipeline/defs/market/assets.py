"""Market assets from the info API: universe, candles, funding. Each run covers a range of days."""

import dagster as dg

from hl_pipeline.defs.market.metadata import lake_metadata
from hl_pipeline.defs.market.partitions import daily_partitions
from hl_pipeline.defs.resources import HyperliquidResource, LakeResource, MarketSettings
from hl_pipeline.market.candles import ingest_candles
from hl_pipeline.market.days import check_dates
from hl_pipeline.market.funding import ingest_funding
from hl_pipeline.market.parallel import for_each_coin
from hl_pipeline.market.universe import snapshot_universe

_COMMON = dict(
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="market",
    kinds={"parquet", "python"},
    pool="hyperliquid_api",
)


def _window(context: dg.AssetExecutionContext, market: MarketSettings) -> tuple[list[str], int]:
    dates, now = list(context.partition_keys), market.now_ms()
    check_dates(dates, now)
    return dates, now


def _checked_coins(hyperliquid: HyperliquidResource, market: MarketSettings) -> list[str]:
    """The configured coins, each confirmed against the exchange's universe before any write."""
    client, coins = hyperliquid.client(), market.coin_list()
    for coin in coins:
        client.check_coin(coin)
    return coins


@dg.asset(**_COMMON)
def universe(
    context: dg.AssetExecutionContext,
    hyperliquid: HyperliquidResource,
    lake: LakeResource,
    market: MarketSettings,
) -> dg.MaterializeResult:
    """Listed perpetuals with their asset contexts (funding, open interest, mark, oracle); today's
    partition gathers one snapshot per run."""
    dates, now = _window(context, market)
    coins = _checked_coins(hyperliquid, market)
    manifests = [snapshot_universe(hyperliquid.client(), lake.path, date, coins, now) for date in dates]
    return dg.MaterializeResult(metadata=lake_metadata(manifests, lake.path))


@dg.asset(deps=[universe], **_COMMON)
def candles(
    context: dg.AssetExecutionContext,
    hyperliquid: HyperliquidResource,
    lake: LakeResource,
    market: MarketSettings,
) -> dg.MaterializeResult:
    """OHLCV candles per coin-day: 1m from the API, coarser intervals both fetched natively and
    resampled from 1m. Days beyond the API's 5000-candle retention are recorded as unavailable."""
    dates, now = _window(context, market)
    coins = _checked_coins(hyperliquid, market)
    native, resampled = market.native(), market.resampled()
    client = hyperliquid.client()
    manifests = for_each_coin(
        lambda coin: ingest_candles(client, lake.path, coin, dates, now, native, resampled, context.log.info),
        coins,
    )
    return dg.MaterializeResult(metadata=lake_metadata(manifests, lake.path))


@dg.asset(deps=[universe], **_COMMON)
def funding(
    context: dg.AssetExecutionContext,
    hyperliquid: HyperliquidResource,
    lake: LakeResource,
    market: MarketSettings,
) -> dg.MaterializeResult:
    """Hourly funding rates and premiums per coin-day; missing hours are listed as gaps."""
    dates, now = _window(context, market)
    coins = _checked_coins(hyperliquid, market)
    client = hyperliquid.client()
    manifests = for_each_coin(
        lambda coin: ingest_funding(client, lake.path, coin, dates, now, context.log.info), coins
    )
    return dg.MaterializeResult(metadata=lake_metadata(manifests, lake.path))
