"""Automation waits for blocking checks: a failed blocking check on candles keeps features and
labels unrequested; once every blocking check passed, the same evaluation requests them."""

import datetime as dt

import dagster as dg
import pytest
from dagster._core.definitions.asset_checks.asset_check_evaluation import (  # no public name in 1.13
    AssetCheckEvaluationTargetMaterializationData,
)

from hl_pipeline.definitions import build_definitions
from hl_pipeline.defs.market.checks import CANDLE_CHECKS, FUNDING_CHECKS, UNIVERSE_CHECKS
from hl_pipeline.defs.order_flow.checks import BOOK_CHECKS, CONTEXT_CHECKS, TRADE_CHECKS
from hl_pipeline.defs.venues.checks import VENUE_CANDLE_CHECKS, VENUE_FUNDING_CHECKS
from hl_pipeline.lake.calendar import shift
from hl_pipeline.settings import Settings

CATALOGS = {
    "universe": UNIVERSE_CHECKS,
    "candles": CANDLE_CHECKS,
    "funding": FUNDING_CHECKS,
    "trades": TRADE_CHECKS,
    "book_snapshots": BOOK_CHECKS,
    "asset_contexts": CONTEXT_CHECKS,
    "venue_candles": VENUE_CANDLE_CHECKS,  # the simulated venues are configured by default
    "venue_funding": VENUE_FUNDING_CHECKS,
    "venue_open_interest": {},
}
TODAY = dt.datetime.now(dt.UTC).date().isoformat()  # eager automation looks at the newest day
DAYS = [shift(TODAY, -k) for k in range(4, -1, -1)]


def _check(instance: dg.DagsterInstance, asset: str, check: str, day: str, passed: bool) -> None:
    """An evaluation of `check` against the newest materialization of `asset`'s `day`."""
    key = dg.AssetKey(asset)
    (record,) = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[day]), limit=1
    ).records
    target = AssetCheckEvaluationTargetMaterializationData(
        storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp
    )
    instance.report_runless_asset_event(
        dg.AssetCheckEvaluation(
            asset_key=key,
            check_name=check,
            passed=passed,
            partition=day,
            blocking=True,
            target_materialization_data=target,
        )
    )


def _requested(defs: dg.Definitions, instance: dg.DagsterInstance, cursor=None):
    result = dg.evaluate_automation_conditions(
        defs=defs,
        instance=instance,
        asset_selection=dg.AssetSelection.assets("features", "labels"),
        cursor=cursor,
    )
    requested = {
        (asset, day)
        for asset in ("features", "labels")
        for day in result.get_requested_partitions(dg.AssetKey(asset))
    }
    return requested, result.cursor


@pytest.mark.parametrize("candles_valid", [False, True])
def test_a_blocking_check_on_candles_gates_features_and_labels(candles_valid):
    defs = build_definitions(Settings.from_env({"HL_START_DATE": DAYS[0], "HL_COINS": "BTC"}))
    with dg.instance_for_test() as instance:
        requested, cursor = _requested(defs, instance)
        assert requested == set()  # nothing upstream yet
        for asset, checks in CATALOGS.items():
            for day in DAYS:
                instance.report_runless_asset_event(dg.AssetMaterialization(asset, partition=day))
                for name, (blocking, _) in checks.items():
                    if blocking:
                        passed = candles_valid or (asset, name, day) != (
                            "candles",
                            "candles_valid_values",
                            TODAY,
                        )
                        _check(instance, asset, name, day, passed)
        requested, _ = _requested(defs, instance, cursor)
        assert requested == ({("features", TODAY), ("labels", TODAY)} if candles_valid else set())
