"""Daily integrity assets: detectors over the day's trades and book snapshots, one partition per
coin-day each (events with their addresses, score and evidence; or the venue statistics)."""

import base64

import dagster as dg

from hl_pipeline.defs._shared.metadata import lake_metadata
from hl_pipeline.defs._shared.policy import daily_lake_asset
from hl_pipeline.defs.resources import LakeResource, MarketResource
from hl_pipeline.lake.calendar import check_dates
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.settings import Settings


def _dates(context: dg.AssetExecutionContext, market: MarketResource) -> tuple[list[str], int]:
    dates, now = list(context.partition_keys), market.now_ms()
    check_dates(dates, now)
    return dates, now


def _with_plots(
    context: dg.AssetExecutionContext,
    dataset: str,
    manifests: list[Manifest],
    lake: LakeResource,
    coins: list[str],
) -> dg.MaterializeResult:
    """The run's metadata, each day's with a plot per coin that has events (also under data/reports)."""
    from hl_pipeline.steps.integrity_plots import event_plots

    plots = event_plots(lake.path, dataset, sorted({m.date for m in manifests}), coins)

    def extra(date: str, written: list[Manifest]) -> dict:
        return {
            f"events_{coin}": dg.MetadataValue.md(
                f"![{coin}](data:image/png;base64,{base64.b64encode(png.read_bytes()).decode()})"
            )
            for coin, png in plots.get(date, {}).items()
        }

    return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path, extra))


def integrity_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    common = daily_lake_asset(settings, "integrity", {"parquet", "python"})

    @dg.asset(deps=["trades"], **common)
    def wash_trades(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource
    ) -> dg.MaterializeResult:
        """Wash rings per coin-day: address pairs and cycles (strongly connected components of the
        day's seller -> buyer graph on pairs that traded repeatedly) whose members end close to flat
        and trade mostly with each other; and linked-address clusters: addresses whose taker orders
        land within a second of each other, on one side, in many 10-minute blocks and far more often
        than their own timing explains; each with its addresses, volume, window and score."""
        from hl_pipeline.steps.integrity import ingest_wash_trades

        dates, _ = _dates(context, market)
        manifests = [
            m for d in dates for m in ingest_wash_trades(lake.path, list(market.coins), d, context.log.info)
        ]
        return _with_plots(context, "wash_trades", manifests, lake, list(market.coins))

    @dg.asset(deps=["trades"], **common)
    def market_anomalies(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource
    ) -> dg.MaterializeResult:
        """Volume and price spikes per coin-day: robust z-scores (median/MAD over a centred 121-minute
        window) of the 3-minute log notional and the one-minute log return, flagged minutes merged;
        pump-and-dump episodes (a robust-z 30-minute run-up on raised volume, most of it given back
        within 20 minutes), markings around the hourly funding times (the 8 minutes before against
        the 8 after, robust-scored within the coin-day), liquidation cascades (5 minutes of taker
        orders leaning one way far beyond chance on raised activity, the price moving with them; a
        spike inside one is the cascade's), and breaks of a coin's 91-minute return correlation with
        the other coins' mean (below 0.2 for 20 minutes; at least 3 coins)."""
        from hl_pipeline.steps.integrity import ingest_market_anomalies

        dates, now = _dates(context, market)
        coins = list(market.coins)
        manifests = [
            m for d in dates for m in ingest_market_anomalies(lake.path, coins, d, now, context.log.info)
        ]
        return _with_plots(context, "market_anomalies", manifests, lake, coins)

    @dg.asset(deps=["book_snapshots", "trades"], **common)
    def spoofing(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource
    ) -> dg.MaterializeResult:
        """Spoof episodes per coin-day from the book snapshots: a level within 5 levels and 50 bps of
        the touch at least 12x that level's rolling median size, seen for at most 10 s and gone without
        a trade at its price; the taker flow on both sides during its life as evidence (the book has no
        identity), and as its address the suspected spoofer: a taker against two of the day's spoofs."""
        from hl_pipeline.steps.integrity import ingest_spoofing

        dates, _ = _dates(context, market)
        manifests = [
            m for d in dates for m in ingest_spoofing(lake.path, list(market.coins), d, context.log.info)
        ]
        return _with_plots(context, "spoofing", manifests, lake, list(market.coins))

    @dg.asset(deps=["trades"], **common)
    def venue_integrity(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource
    ) -> dg.MaterializeResult:
        """Venue statistics per coin-day (Cong et al. 2023): Benford first-digit chi-square and MAD of
        trade notionals, round-size clustering, the trade-size tail exponent and the second-of-minute
        pattern of trades, each with its p-value."""
        from hl_pipeline.steps.integrity import ingest_venue_integrity

        dates, _ = _dates(context, market)
        manifests = [
            m
            for d in dates
            for m in ingest_venue_integrity(lake.path, list(market.coins), d, context.log.info)
        ]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path))

    return [wash_trades, market_anomalies, spoofing, venue_integrity]
