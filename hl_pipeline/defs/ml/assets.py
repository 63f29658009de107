"""Features and labels per coin-day, and the training set over a window of days, in the lake.

Each partition reads exactly what it declared: a day's features read that day plus the
lookback tail of each input; a day's labels read that day's candles and the next day's."""

import dagster as dg

from hl_pipeline import settings
from hl_pipeline.defs.market.assets import candles, funding, universe
from hl_pipeline.defs.market.metadata import lake_metadata
from hl_pipeline.defs.market.partitions import daily_partitions
from hl_pipeline.defs.order_flow.assets import book_snapshots, trades
from hl_pipeline.defs.resources import LakeResource, MarketSettings, MLSettings
from hl_pipeline.market.days import check_dates
from hl_pipeline.ml.features.registry import lookback_days

_ML = settings.ml_config()


def _window(before: int, after: int = 0) -> dg.TimeWindowPartitionMapping:
    return dg.TimeWindowPartitionMapping(
        start_offset=-before, end_offset=after, allow_nonexistent_upstream_partitions=True
    )


_LOOKBACK = lookback_days(_ML["bar"])
_COMMON = dict(
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ml",
    kinds={"parquet", "pandas"},
)


def _dates(context: dg.AssetExecutionContext, market: MarketSettings) -> tuple[list[str], int]:
    dates, now = list(context.partition_keys), market.now_ms()
    check_dates(dates, now)
    return dates, now


@dg.asset(
    deps=[
        dg.AssetDep(asset, partition_mapping=_window(_LOOKBACK.get(name, 0)))
        for name, asset in (
            ("candles", candles),
            ("book_snapshots", book_snapshots),
            ("trades", trades),
            ("funding", funding),
            ("universe", universe),
        )
    ],
    automation_condition=dg.AutomationCondition.eager(),
    **_COMMON,
)
def features(
    context: dg.AssetExecutionContext, lake: LakeResource, market: MarketSettings, ml: MLSettings
) -> dg.MaterializeResult:
    """One row per coin per bar: returns, volatility, momentum, volume, candle shape, book, trade
    flow, funding and open interest, cross-asset and calendar features, each known at the bar's
    close; a `<input>_missing` flag per input (missing is never zero)."""
    from hl_pipeline.ml.lake_io import build_features

    dates, now = _dates(context, market)
    manifests = build_features(lake.path, dates, market.coin_list(), now, ml.bar, context.log.info)
    return dg.MaterializeResult(
        metadata={
            **lake_metadata(manifests, lake.path),
            "bar": ml.bar,
            "lookback_days": dg.MetadataValue.json(_LOOKBACK),
        }
    )


@dg.asset(
    deps=[dg.AssetDep(candles, partition_mapping=_window(0, 1))],
    automation_condition=dg.AutomationCondition.eager(),
    **_COMMON,
)
def labels(
    context: dg.AssetExecutionContext, lake: LakeResource, market: MarketSettings, ml: MLSettings
) -> dg.MaterializeResult:
    """Forward log returns, direction with a dead zone, and triple-barrier labels per coin, bar and
    horizon, each with the time it becomes known; the last bars of a day read the next day's
    candles, and labels not knowable yet stay missing."""
    from hl_pipeline.ml.lake_io import build_labels

    dates, now = _dates(context, market)
    spec = ml.label_spec()
    manifests = build_labels(lake.path, dates, market.coin_list(), now, spec, context.log.info)
    known = sum(m.details["known_labels"] for m in manifests)
    return dg.MaterializeResult(
        metadata={
            **lake_metadata(manifests, lake.path),
            "known_labels": known,
            "unknown_labels": sum(m.details["unknown_labels"] for m in manifests),
            "label_spec": dg.MetadataValue.json(spec.describe()),
        }
    )


@dg.asset(
    deps=[
        dg.AssetDep(features, partition_mapping=_window(_ML["training_days"] - 1)),
        dg.AssetDep(labels, partition_mapping=_window(_ML["training_days"] - 1)),
    ],
    **_COMMON,
)
def training_set(
    context: dg.AssetExecutionContext, lake: LakeResource, market: MarketSettings, ml: MLSettings
) -> dg.MaterializeResult:
    """Features joined to labels as of each bar over the `training_days` ending the partition, with
    walk-forward folds purged and embargoed by the label horizon; the manifest records the input
    partitions and their content hashes, the feature list, the label definition and the folds."""
    from hl_pipeline.ml.lake_io import build_training_partition

    dates, now = _dates(context, market)
    manifests = [
        build_training_partition(
            lake.path,
            d,
            ml.training_days,
            market.coin_list(),
            now,
            ml.label_spec(),
            ml.split_spec(),
            context.log.info,
        )
        for d in dates
    ]
    last = manifests[-1]
    return dg.MaterializeResult(
        metadata={
            **lake_metadata(manifests, lake.path),
            "content_hash": last.content_hash,
            "features": len(last.details["features"]),
            "folds": dg.MetadataValue.json(last.details["split"]["folds"]),
            "label_definition": dg.MetadataValue.json(last.details["labels"]),
            "input_partitions": sum(len(v) for v in last.inputs.values()),
        }
    )
