"""Order-flow checks: book shape, trade validity and the candle cross-check (Great Expectations),
gaps per day from the manifests, and the collector's heartbeat."""

import json
import time
from pathlib import Path

import dagster as dg

from hl_pipeline.defs.market.assets import candles
from hl_pipeline.defs.market.check_events import check_events, check_specs, run_dates
from hl_pipeline.defs.market.partitions import daily_partitions
from hl_pipeline.defs.order_flow.assets import book_snapshots, collector_landing, trades
from hl_pipeline.defs.resources import LakeResource, MarketSettings, OrderFlowSettings
from hl_pipeline.lake.reader import read_manifest, read_range

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


def _gap_outcomes(lake: LakeResource, dataset: str, dates: list[str], coins: list[str]):
    from hl_pipeline.quality.stream_gaps import gap_outcomes

    manifests = {d: {c: read_manifest(lake.path, dataset, d, c) for c in coins} for d in dates}
    return gap_outcomes(f"{dataset}_complete", manifests)


@dg.multi_asset_check(specs=check_specs(book_snapshots, BOOK_CHECKS, daily_partitions))
def book_snapshot_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.quality.book_checks import check_books

    dates, single = run_dates(context)
    coins = market.coin_list()
    outcomes = []
    for date in dates:  # a day of books can hold millions of levels: one day at a time
        frame = read_range(lake.path, "book_snapshots", [date], coins, with_date=True).to_pandas()
        outcomes += check_books(frame, [date])
    outcomes += _gap_outcomes(lake, "book_snapshots", dates, coins)
    yield from check_events(book_snapshots.key, outcomes, single, BOOK_CHECKS)


@dg.multi_asset_check(
    specs=check_specs(trades, TRADE_CHECKS, daily_partitions, {"trades_inside_candle_range": [candles]})
)
def trade_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.quality.trade_checks import check_trades

    dates, single = run_dates(context)
    coins = market.coin_list()
    outcomes = []
    for date in dates:
        frame = read_range(lake.path, "trades", [date], coins, with_date=True).to_pandas()
        bars = read_range(lake.path, "candles", [date], coins).to_pandas()
        outcomes += check_trades(frame, [date], bars[bars["interval"].eq("1m") & bars["source"].eq("api")])
    outcomes += _gap_outcomes(lake, "trades", dates, coins)
    yield from check_events(trades.key, outcomes, single, TRADE_CHECKS)


@dg.asset_check(
    asset=collector_landing.key,
    description="The collector's heartbeat is recent and every channel received a message lately.",
)
def collector_heartbeat_fresh(order_flow: OrderFlowSettings) -> dg.AssetCheckResult:
    from hl_pipeline.collector.freshness import heartbeat_verdict

    path = Path(order_flow.landing_root) / "heartbeat.json"
    state = json.loads(path.read_text()) if path.exists() else None
    passed, text, details = heartbeat_verdict(state, time.time(), order_flow.heartbeat_max_age)
    return dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=text,
        metadata={"heartbeat": str(path), **details},
    )
