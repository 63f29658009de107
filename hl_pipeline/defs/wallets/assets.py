"""Daily wallet assets: who is tracked, their fills and funding, positions and PnL rebuilt from them,
and profiles over a window of days."""

import base64

import dagster as dg

from hl_pipeline.defs._shared.metadata import lake_metadata
from hl_pipeline.defs._shared.policy import daily_lake_asset
from hl_pipeline.defs.resources import HyperliquidResource, LakeResource, MarketResource, WalletsResource
from hl_pipeline.lake.calendar import check_dates
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.settings import Settings


def _dates(context: dg.AssetExecutionContext, market: MarketResource) -> tuple[list[str], int]:
    dates, now = list(context.partition_keys), market.now_ms()
    check_dates(dates, now)
    return dates, now


def wallet_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    common = daily_lake_asset(settings, "wallets", {"parquet", "python"})

    @dg.asset(deps=["trades"], pool="hyperliquid_api", **common)
    def wallets(
        context: dg.AssetExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
        wallets: WalletsResource,
    ) -> dg.MaterializeResult:
        """The wallets tracked each day: HL_WALLETS, then the day's top by notional traded and by maker
        share in the public trades, at most HL_WALLET_CAP, each with the reason and its activity. A
        configured wallet the exchange does not know stops the run before anything is written."""
        from hl_pipeline.wallets.ingest import check_configured, ingest_wallets

        dates, now = _dates(context, market)
        check_configured(hyperliquid.client(), tuple(wallets.configured))
        coins = list(market.coins)
        manifests = [
            ingest_wallets(lake.path, coins, d, now, tuple(wallets.configured), wallets.cap, context.log.info)
            for d in dates
        ]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    @dg.asset(deps=[wallets], pool="hyperliquid_api", **common)
    def wallet_fills(
        context: dg.AssetExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
    ) -> dg.MaterializeResult:
        """Every fill of each tracked wallet per coin-day with every field the API gives (closed PnL
        gross of fees, signed fee, start position, order and trade ids, liquidation); partial fills of an
        order are kept apart. The 10,000-most-recent reach of userFillsByTime is recorded per wallet."""
        from hl_pipeline.wallets.ingest import ingest_wallet_fills

        dates, now = _dates(context, market)
        client, coins = hyperliquid.client(), list(market.coins)
        manifests = [
            m for d in dates for m in ingest_wallet_fills(client, lake.path, coins, d, now, context.log.info)
        ]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    @dg.asset(deps=[wallet_fills], **common)
    def wallet_positions(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource
    ) -> dg.MaterializeResult:
        """Each tracked wallet's position per coin at the end of the day (now for today), rebuilt from
        its fills and the day before's position: size, entry price, the day's volume, realised PnL
        (gross) and fees, and its maker share."""
        from hl_pipeline.wallets.ingest import ingest_wallet_positions

        dates, now = _dates(context, market)
        coins = list(market.coins)
        manifests = [
            m for d in dates for m in ingest_wallet_positions(lake.path, coins, d, now, context.log.info)
        ]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    @dg.asset(deps=[wallets], pool="hyperliquid_api", **common)
    def wallet_funding(
        context: dg.AssetExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
    ) -> dg.MaterializeResult:
        """Every hourly funding payment of each tracked wallet per coin-day (userFunding, paged): the
        USDC signed for the wallet, the position it was paid on and the hour's rate."""
        from hl_pipeline.wallets.funding import ingest_wallet_funding

        dates, now = _dates(context, market)
        client, coins = hyperliquid.client(), list(market.coins)
        manifests = [
            m
            for d in dates
            for m in ingest_wallet_funding(client, lake.path, coins, d, now, context.log.info)
        ]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    @dg.asset(deps=[wallet_positions, wallet_funding, "asset_contexts"], **common)
    def wallet_pnl(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource
    ) -> dg.MaterializeResult:
        """Each tracked wallet's PnL per coin-day: realised (closedPnl, gross), fees (signed), funding,
        net realised, unrealised at the day's last mark where the entry is in view, and net; with the
        closedPnl rebuilt from the replayed entry and the funding payments checked against the fills."""
        from hl_pipeline.wallets.pnl_ingest import ingest_wallet_pnl

        dates, now = _dates(context, market)
        coins = list(market.coins)
        manifests = [m for d in dates for m in ingest_wallet_pnl(lake.path, coins, d, now, context.log.info)]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    @dg.asset(deps=[wallet_pnl, wallet_fills, "candles"], pool="hyperliquid_api", **common)
    def wallet_profiles(
        context: dg.AssetExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
    ) -> dg.MaterializeResult:
        """Each tracked wallet profiled over the seven days ending with the partition: kind (market
        maker, liquidation-prone, whale, bot, smart money or retail) with the rule and statistic that
        decided it, equity cohort, maker share, inventory, markouts, PnL persistence, timing regularity
        and own liquidations. Each day carries plots (also under data/reports/wallets/): each coin's
        price against the whales' net flow, and the largest wallets' equity and PnL split."""
        from hl_pipeline.steps.wallet_plots import wallet_plots
        from hl_pipeline.wallets.profile_ingest import ingest_wallet_profiles

        dates, now = _dates(context, market)
        client, coins = hyperliquid.client(), list(market.coins)
        manifests = [
            ingest_wallet_profiles(client, lake.path, coins, d, now, context.log.info) for d in dates
        ]
        plots = wallet_plots(lake.path, dates, coins)

        def images(date: str, _: list[Manifest]) -> dict:
            return {
                name: dg.MetadataValue.md(
                    f"![{name}](data:image/png;base64,{base64.b64encode(png.read_bytes()).decode()})"
                )
                for name, png in plots.get(date, {}).items()
            }

        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path, images))

    return [wallets, wallet_fills, wallet_positions, wallet_funding, wallet_pnl, wallet_profiles]
