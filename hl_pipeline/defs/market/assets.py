"""Market assets from the info API: universe, candles, funding. Each run covers a range of days."""

import dagster as dg

from hl_pipeline.defs._shared.metadata import lake_metadata
from hl_pipeline.defs._shared.policy import LIVE_DATA, daily_lake_asset
from hl_pipeline.defs.resources import HyperliquidResource, LakeResource, MarketResource
from hl_pipeline.lake.calendar import check_dates
from hl_pipeline.market.candles import ingest_candles
from hl_pipeline.market.funding import ingest_funding
from hl_pipeline.market.parallel import for_each_coin
from hl_pipeline.market.universe import snapshot_universe
from hl_pipeline.settings import Settings


def _window(context: dg.AssetExecutionContext, market: MarketResource) -> tuple[list[str], int]:
    dates, now = list(context.partition_keys), market.now_ms()
    check_dates(dates, now)
    return dates, now


def _checked(hyperliquid: HyperliquidResource, coins: list[str]) -> list[str]:
    """`coins`, each confirmed against the exchange's perp or spot universe before any write."""
    client = hyperliquid.client()
    for coin in coins:
        client.check_coin(coin)
    return coins


def market_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    common = daily_lake_asset(
        settings, "market", {"parquet", "python"}, pool="hyperliquid_api", freshness_policy=LIVE_DATA
    )

    @dg.asset(**common)
    def universe(
        context: dg.AssetExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
    ) -> dg.MaterializeResult:
        """Listed perpetuals with their asset contexts (funding, open interest, mark, oracle); today's
        partition gathers one snapshot per run."""
        dates, now = _window(context, market)
        _checked(hyperliquid, market.all_coins())  # the first asset of a run: spot pairs checked too
        coins = list(market.coins)
        client = hyperliquid.client()
        manifests = [snapshot_universe(client, lake.path, date, coins, now) for date in dates]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    @dg.asset(deps=[universe], **common)
    def candles(
        context: dg.AssetExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
    ) -> dg.MaterializeResult:
        """OHLCV candles per coin-day, perps and spot pairs (HL_SPOT_COINS) alike: 1m from the API,
        coarser intervals both fetched natively and resampled from 1m. Days beyond the API's
        5000-candle retention are recorded as unavailable."""
        dates, now = _window(context, market)
        coins = _checked(hyperliquid, market.all_coins())
        native, resampled = market.native_intervals, market.resampled_intervals
        client = hyperliquid.client()
        manifests = for_each_coin(
            lambda coin: ingest_candles(
                client, lake.path, coin, dates, now, native, resampled, context.log.info
            ),
            coins,
        )
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    @dg.asset(deps=[universe], **common)
    def funding(
        context: dg.AssetExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
    ) -> dg.MaterializeResult:
        """Hourly funding rates and premiums per coin-day; missing hours are listed as gaps."""
        dates, now = _window(context, market)
        coins = _checked(hyperliquid, list(market.coins))
        client = hyperliquid.client()
        manifests = for_each_coin(
            lambda coin: ingest_funding(client, lake.path, coin, dates, now, context.log.info), coins
        )
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    return [universe, candles, funding]
