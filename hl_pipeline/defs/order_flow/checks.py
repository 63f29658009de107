"""Order-flow checks: book shape, trade validity and the candle cross-check (Great Expectations),
gaps per day from the manifests, and the collector's heartbeat."""

import time

import dagster as dg

from hl_pipeline.defs._shared.checks import check_specs, report, run_dates
from hl_pipeline.defs._shared.partitions import daily_partitions
from hl_pipeline.defs.resources import LakeResource, MarketResource, OrderFlowResource
from hl_pipeline.settings import Settings

BOOK_CHECKS = {
    "book_snapshots_schema": (True, "Columns and types match the book_snapshots schema."),
    "book_snapshots_not_crossed": (True, "Best bid below best ask in every snapshot."),
    "book_snapshots_sorted_levels": (True, "Bids descending and asks ascending, levels numbered 0..n-1."),
    "book_snapshots_level_counts": (True, "1 to 20 levels on each side of every snapshot."),
    "book_snapshots_positive": (True, "Every size and price positive."),
    "book_snapshots_times_increasing": (True, "Snapshot times strictly increasing per coin."),
    "book_snapshots_stale": (False, "Stretches of 60 s or more with an unchanged top of book, listed."),
    "book_snapshots_complete": (
        False,
        "Every span of the day without snapshots, with its minutes and cause.",
    ),
}
TRADE_CHECKS = {
    "trades_schema": (True, "Columns and types match the trades schema."),
    "trades_valid_values": (
        True,
        "Positive price and size, side A or B, distinct buyer and seller addresses.",
    ),
    "trades_unique": (True, "Unique on (coin, time, tid), in time order."),
    "trades_inside_candle_range": (
        False,
        "Every price inside its minute's 1m candle [low, high] (cross-check with candles).",
    ),
    "trades_complete": (False, "Every span of the day without trades captured, with its minutes and cause."),
}

CONTEXT_CHECKS = {
    "asset_contexts_schema": (True, "Columns and types match the asset_contexts schema."),
    "asset_contexts_valid_values": (
        True,
        "Open interest and volume not negative, prices positive, funding within 4%/hour, source named.",
    ),
    "asset_contexts_unique_increasing": (True, "One row per time and coin, in time order."),
}


@dg.asset_check(
    asset="collector_landing",
    description="The collector's heartbeat is recent and every channel received a message lately.",
)
def collector_heartbeat_fresh(order_flow: OrderFlowResource) -> dg.AssetCheckResult:
    from hl_pipeline.collector.freshness import read_heartbeat_verdict

    passed, text, details = read_heartbeat_verdict(
        order_flow.landing_root, time.time(), order_flow.heartbeat_max_age
    )
    return dg.AssetCheckResult(
        passed=passed, severity=dg.AssetCheckSeverity.WARN, description=text, metadata=details
    )


def order_flow_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    daily = daily_partitions(settings)

    @dg.multi_asset_check(specs=check_specs("book_snapshots", BOOK_CHECKS, daily))
    def book_snapshot_checks(
        context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource
    ):
        from hl_pipeline.steps.data_checks import book_outcomes

        outcomes = book_outcomes(lake.path, run_dates(context)[0], market.all_keys())
        yield from report(context, "book_snapshots", outcomes, BOOK_CHECKS)

    @dg.multi_asset_check(
        specs=check_specs("trades", TRADE_CHECKS, daily, {"trades_inside_candle_range": ["candles"]})
    )
    def trade_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource):
        from hl_pipeline.steps.data_checks import trade_outcomes

        yield from report(
            context,
            "trades",
            trade_outcomes(lake.path, run_dates(context)[0], market.all_keys()),
            TRADE_CHECKS,
        )

    @dg.multi_asset_check(specs=check_specs("asset_contexts", CONTEXT_CHECKS, daily))
    def context_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource):
        from hl_pipeline.steps.data_checks import context_outcomes

        outcomes = context_outcomes(lake.path, run_dates(context)[0], market.all_keys())
        yield from report(context, "asset_contexts", outcomes, CONTEXT_CHECKS)

    return [book_snapshot_checks, trade_checks, context_checks, collector_heartbeat_fresh]
