"""Daily trades and book snapshots from the collector's landing zone, or the S3 archives for days
the collector never saw. Each run covers a range of days."""

import dagster as dg

from hl_pipeline.defs._shared.metadata import lake_metadata
from hl_pipeline.defs._shared.policy import LIVE_DATA, OWNERS, daily_lake_asset
from hl_pipeline.defs.resources import HyperliquidResource, LakeResource, MarketResource, OrderFlowResource
from hl_pipeline.lake.calendar import check_dates
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.market.asset_contexts import ingest_asset_contexts
from hl_pipeline.market.order_flow import BOOKS_STREAM, TRADES_STREAM, Stream, ingest_order_flow
from hl_pipeline.market.spot_contexts import ingest_spot_contexts
from hl_pipeline.settings import Settings

collector_landing = dg.AssetSpec(
    "collector_landing",
    description="The streaming collector's landing zone (`hl-pipeline collect`): immutable Parquet files of "
    "trades, l2Book snapshots and gap records, plus its heartbeat. Written outside Dagster.",
    group_name="order_flow",
    kinds={"parquet"},
    owners=OWNERS,
    tags={"domain": "order_flow"},
)


def _ingest(
    context: dg.AssetExecutionContext,
    stream: Stream,
    lake: LakeResource,
    market: MarketResource,
    order_flow: OrderFlowResource,
) -> dg.MaterializeResult:
    dates, now = list(context.partition_keys), market.now_ms()
    check_dates(dates, now)
    sources, coins = order_flow.sources(), market.all_coins()
    manifests = [
        m
        for date in dates
        for m in ingest_order_flow(stream, lake.path, sources, coins, date, now, context.log.info)
    ]

    def streams(_: str, written: list[Manifest]) -> dict:
        return {
            "gap_minutes": sum(g["minutes"] for m in written for g in m.gaps),
            "sources": ", ".join(sorted({m.source for m in written})),
        }

    return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path, streams))


def order_flow_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    common = daily_lake_asset(
        settings, "order_flow", {"parquet", "python"}, deps=[collector_landing], freshness_policy=LIVE_DATA
    )

    @dg.asset(**common)
    def trades(
        context: dg.AssetExecutionContext,
        lake: LakeResource,
        market: MarketResource,
        order_flow: OrderFlowResource,
    ) -> dg.MaterializeResult:
        """Public trades per coin-day (perps and spot pairs) with buyer and seller wallets, aggressor
        side and receive time; unique on (time, tid). From the landing zone, else node_fills_by_block
        (perps); gaps listed with their cause."""
        return _ingest(context, TRADES_STREAM, lake, market, order_flow)

    @dg.asset(**common)
    def book_snapshots(
        context: dg.AssetExecutionContext,
        lake: LakeResource,
        market: MarketResource,
        order_flow: OrderFlowResource,
    ) -> dg.MaterializeResult:
        """L2 order-book snapshots per coin-day (perps and spot pairs), one row per level (side, level
        0 = best, px, sz, orders). From the landing zone, else the l2Book archive (perps); gaps listed
        with their cause."""
        return _ingest(context, BOOKS_STREAM, lake, market, order_flow)

    @dg.asset(**daily_lake_asset(settings, "order_flow", {"parquet", "python"}, deps=["universe"]))
    def asset_contexts(
        context: dg.AssetExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
        order_flow: OrderFlowResource,
    ) -> dg.MaterializeResult:
        """Funding, open interest, premium, oracle, mark and mid prices per coin through the day: a minute
        row each from the asset_ctxs S3 archive, else the contexts the universe runs captured that day
        (recorded as unavailable at one a minute); minutes missing from the archive are gaps. Spot pairs
        get today's spotMetaAndAssetCtxs snapshot each run (prices and volume; perp-only columns null)."""
        dates, now = list(context.partition_keys), market.now_ms()
        check_dates(dates, now)
        archive, coins = order_flow.sources().books_archive, list(market.coins)
        snapshot = hyperliquid.client().spot_meta_and_asset_ctxs
        manifests = [
            m
            for date in dates
            for m in [
                *ingest_asset_contexts(lake.path, archive, coins, date, now, context.log.info),
                *ingest_spot_contexts(snapshot, lake.path, market.spot_coins, date, now, context.log.info),
            ]
        ]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    return [trades, book_snapshots, asset_contexts]
