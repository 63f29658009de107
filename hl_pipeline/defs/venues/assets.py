"""Venue assets through ccxt: markets mapped to Hyperliquid's coins, then 1m candles, funding and open
interest per coin-day, every venue beside the others (`venue` and `symbol` columns)."""

import base64

import dagster as dg

from hl_pipeline.defs._shared.metadata import lake_metadata
from hl_pipeline.defs._shared.policy import daily_lake_asset
from hl_pipeline.defs.resources import LakeResource, MarketResource, VenuesResource
from hl_pipeline.lake.calendar import check_dates
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.report import markdown_table
from hl_pipeline.settings import Settings


def _dates(context: dg.AssetExecutionContext, market: MarketResource) -> tuple[list[str], int]:
    dates, now = list(context.partition_keys), market.now_ms()
    check_dates(dates, now)
    return dates, now


def _unavailable(_: str, written: list[Manifest]) -> dict:
    rows = [{"coin": m.coin, **u} for m in written for u in m.unavailable]
    return {
        "unavailable": dg.MetadataValue.md(
            markdown_table(rows) if rows else "_every venue served every coin_"
        )
    }


def venue_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    common = daily_lake_asset(settings, "venues", {"parquet", "python"}, pool="venue_api")

    def ingest(context, dataset: str, lake: LakeResource, market: MarketResource, venues: VenuesResource):
        from hl_pipeline.venues.datasets import FETCHERS
        from hl_pipeline.venues.ingest import ingest_venues
        from hl_pipeline.venues.markets import stored_markets

        dates, now = _dates(context, market)
        markets = stored_markets(lake.path, dates, market.coins)
        return ingest_venues(
            lake.path,
            dataset,
            venues.clients(),
            markets,
            market.coins,
            dates,
            now,
            FETCHERS[dataset],
            context.log.info,
        )

    @dg.asset(**common)
    def venue_markets(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource, venues: VenuesResource
    ) -> dg.MaterializeResult:
        """Each venue's markets (ccxt `load_markets`, one call per venue) mapped to Hyperliquid's coins: the
        unified symbol, contract size and price multiplier (kPEPE against 1000PEPE or PEPE); a coin a
        venue does not list is recorded as unavailable for it."""
        from hl_pipeline.venues.markets import snapshot_markets

        dates, now = _dates(context, market)
        manifests = snapshot_markets(lake.path, venues.clients(), market.coins, dates, now)
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path, _unavailable))

    @dg.asset(deps=[venue_markets], **common)
    def venue_candles(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource, venues: VenuesResource
    ) -> dg.MaterializeResult:
        """1m OHLCV per coin-day from every venue listing the coin, prices per Hyperliquid coin; fetched in
        explicit windows one request returns whole, ccxt's rate limiter on, its network errors retried.
        Missing minutes are gaps per venue; a refused symbol or a venue down writes nothing for it."""
        manifests = ingest(context, "venue_candles", lake, market, venues)
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path, _unavailable))

    @dg.asset(deps=[venue_markets, venue_candles, "candles", "funding"], **common)
    def venue_funding(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource, venues: VenuesResource
    ) -> dg.MaterializeResult:
        """Funding settlements of the venues' perpetuals: the raw rate, its interval and the rate
        normalised to an hour (comparable with Hyperliquid's hourly funding). Each day carries a plot of
        Hyperliquid's close against the venues' median and of the funding spread, per coin."""
        from hl_pipeline.steps.venue_plots import spread_plots

        manifests = ingest(context, "venue_funding", lake, market, venues)
        plots = spread_plots(
            lake.path, [m.date for m in manifests if m.coin == market.coins[0]], market.coins
        )

        def extra(date: str, written: list[Manifest]) -> dict:
            images = {
                f"spread_{coin}": dg.MetadataValue.md(
                    f"![{coin}](data:image/png;base64,{base64.b64encode(png.read_bytes()).decode()})"
                )
                for coin, png in plots.get(date, {}).items()
            }
            return {**_unavailable(date, written), **images}

        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path, extra))

    @dg.asset(deps=[venue_markets], **common)
    def venue_open_interest(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource, venues: VenuesResource
    ) -> dg.MaterializeResult:
        """Hourly open interest of the venues' perpetuals, in Hyperliquid's coin units and in USD where
        the venue gives them (a spot venue has none: recorded as unavailable)."""
        manifests = ingest(context, "venue_open_interest", lake, market, venues)
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path, _unavailable))

    return [venue_markets, venue_candles, venue_funding, venue_open_interest]
