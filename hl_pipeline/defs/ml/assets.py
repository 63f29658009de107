"""Features and labels per coin-day, and the training set over a window of days, in the lake.

Each partition reads exactly what it declared: a day's features read that day plus the
lookback tail of each input; a day's labels read that day's candles and the next day's."""

import dagster as dg

from hl_pipeline.defs._shared.metadata import lake_metadata, per_partition
from hl_pipeline.defs._shared.partitions import day_window
from hl_pipeline.defs._shared.policy import GATED, daily_lake_asset
from hl_pipeline.defs.resources import LakeResource, MarketResource, MLResource
from hl_pipeline.lake.calendar import check_dates
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.ml.features.catalog import lookback_days
from hl_pipeline.settings import Settings

FEATURE_INPUTS = ("candles", "book_snapshots", "trades", "funding", "asset_contexts")
VENUE_INPUTS = ("venue_candles", "venue_funding", "venue_open_interest")
"""Read by the venue features; dependencies only when venues are configured (HL_VENUES)."""
WALLET_INPUTS = ("wallet_fills", "wallet_profiles")
"""Read by the wallet features (classes from earlier days' profiles); a deployment that does not run
the wallets still gets features, flagged missing, so their absence does not hold features back."""
FEATURES_AUTOMATION = GATED.replace(
    "any_deps_missing",
    dg.AutomationCondition.any_deps_missing().ignore(dg.AssetSelection.assets(*WALLET_INPUTS)),
)


def _dates(context: dg.AssetExecutionContext, market: MarketResource) -> tuple[list[str], int]:
    dates, now = list(context.partition_keys), market.now_ms()
    check_dates(dates, now)
    return dates, now


def ml_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    lookback = lookback_days(settings.feature_bar)
    training_window = day_window(settings.training_days - 1)
    common = daily_lake_asset(settings, "ml", {"parquet", "pandas"})

    @dg.asset(
        deps=[
            dg.AssetDep(name, partition_mapping=day_window(lookback.get(name, 0)))
            for name in FEATURE_INPUTS + (VENUE_INPUTS if settings.venues else ()) + WALLET_INPUTS
        ],
        automation_condition=FEATURES_AUTOMATION,
        **common,
    )
    def features(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource, ml: MLResource
    ) -> dg.MaterializeResult:
        """One row per coin per bar: returns, volatility, momentum, volume, candle shape, book, trade
        flow, funding and open interest, cross-asset, other venues (basis, lead-lag, funding spread,
        open-interest share), wallets (whale flow, smart-money and market-maker positions, liquidations)
        and calendar features, each known at the bar's close; a `<input>_missing`
        flag per input (missing is never zero)."""
        from hl_pipeline.steps.features import build_features

        dates, now = _dates(context, market)
        manifests = build_features(lake.path, dates, list(market.coins), now, ml.bar, context.log.info)
        run = lake_metadata(context, manifests, lake.path)
        return dg.MaterializeResult(
            metadata={**run, "bar": ml.bar, "lookback_days": dg.MetadataValue.json(lookback)}
        )

    @dg.asset(
        deps=[dg.AssetDep("candles", partition_mapping=day_window(0, 1))],
        automation_condition=GATED,
        **common,
    )
    def labels(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource, ml: MLResource
    ) -> dg.MaterializeResult:
        """Forward log returns, direction with a dead zone, and triple-barrier labels per coin, bar and
        horizon, each with the time it becomes known; the last bars of a day read the next day's
        candles, and labels not knowable yet stay missing."""
        from hl_pipeline.steps.labels import build_labels

        dates, now = _dates(context, market)
        spec = ml.label_spec()
        manifests = build_labels(lake.path, dates, list(market.coins), now, spec, context.log.info)

        def known(_: str, written: list[Manifest]) -> dict:
            return {
                "known_labels": sum(m.details["known_labels"] for m in written),
                "unknown_labels": sum(m.details["unknown_labels"] for m in written),
            }

        run = lake_metadata(context, manifests, lake.path, known)
        return dg.MaterializeResult(metadata={**run, "label_spec": dg.MetadataValue.json(spec.describe())})

    @dg.asset(
        deps=[
            dg.AssetDep(features, partition_mapping=training_window),
            dg.AssetDep(labels, partition_mapping=training_window),
        ],
        **common,
    )
    def training_set(
        context: dg.AssetExecutionContext, lake: LakeResource, market: MarketResource, ml: MLResource
    ) -> dg.MaterializeResult:
        """The rows of the `training_days` ending the partition, features joined to labels as of its end,
        with walk-forward folds purged and embargoed by the label horizon; stored as a selection (the
        feature and label partitions it reads, with their content hashes), not a copy. The manifest
        records the rows and folds they resolve to, the feature list, the label definition and a digest."""
        from hl_pipeline.steps.training_sets import build_training_partitions

        dates, now = _dates(context, market)
        coins, spec, split = list(market.coins), ml.label_spec(), ml.split_spec()
        manifests, not_written = build_training_partitions(
            lake.path, dates, ml.training_days, coins, now, spec, split, context.log.info
        )
        for date, why in not_written.items():
            context.log.warning(f"training_set {date} not written: {why}")
        per_partition(context, {date: {"not_written": why} for date, why in not_written.items()})

        def provenance(_: str, written: list[Manifest]) -> dict:
            (own,) = written
            return {
                "digest": own.details["digest"],
                "training_rows": own.details["rows"],
                "features": len(own.details["features"]),
                "folds": dg.MetadataValue.json(own.details["split"]["folds"]),
                "label_definition": dg.MetadataValue.json(own.details["labels"]),
                "input_partitions": sum(len(v) for v in own.inputs.values()),
                "missing_input_partitions": len(own.details["missing_inputs"]),
            }

        metadata = lake_metadata(context, manifests, lake.path, provenance)
        return dg.MaterializeResult(metadata={**metadata, "partitions_not_written": len(not_written)})

    return [features, labels, training_set]
