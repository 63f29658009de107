"""Checks of features, labels and training sets; the leakage guard blocks the models downstream."""

import dagster as dg

from hl_pipeline.defs.market.check_events import check_events, check_specs, run_dates
from hl_pipeline.defs.market.partitions import daily_partitions
from hl_pipeline.defs.ml.assets import features, labels, training_set
from hl_pipeline.defs.resources import LakeResource, MarketSettings, MLSettings
from hl_pipeline.lake.reader import read_manifest, read_range

FEATURE_CHECKS = {
    "features_present_where_inputs_are": (
        True,
        "No feature missing at a bar where all its inputs were present over its lookback.",
    ),
    "features_in_range": (False, "Every feature value finite and inside its declared range."),
}
LABEL_CHECKS = {
    "labels_class_balance": (
        False,
        "Direction class shares per day and horizon; warns when one class exceeds 90%.",
    )
}
TRAINING_CHECKS = {
    "training_set_no_leakage": (
        True,
        "No label known after the set's as-of time; no training row's label known at or after its fold's test window.",
    ),
}


def _outcome(check: str, date: str, verdict, severity: str, passed_text: str, failed_text: str):
    from hl_pipeline.quality.outcome import CheckOutcome, jsonable

    return CheckOutcome(
        check,
        date,
        verdict.passed,
        severity,
        passed_text if verdict.passed else failed_text,
        jsonable(verdict.details),
    )


def _events(context, asset, checks: dict, outcomes):
    return check_events(asset.key, outcomes, run_dates(context)[1], checks)


@dg.multi_asset_check(specs=check_specs(features, FEATURE_CHECKS, daily_partitions))
def feature_checks(
    context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings, ml: MLSettings
):
    from hl_pipeline.ml.checks import check_no_missing_where_inputs_present, check_ranges

    outcomes = []
    for date in run_dates(context)[0]:
        frame = read_range(lake.path, "features", [date], market.coin_list()).to_pandas()
        holes = check_no_missing_where_inputs_present(frame, ml.bar)
        outcomes.append(
            _outcome(
                "features_present_where_inputs_are",
                date,
                holes,
                "ERROR",
                f"{holes.details['checked']} feature values checked, none missing where its inputs were present",
                f"features missing where every input was present: {sorted(holes.details['violations'])}",
            )
        )
        ranges = check_ranges(frame)
        outcomes.append(
            _outcome(
                "features_in_range",
                date,
                ranges,
                "ERROR",
                f"all {len(frame)} rows inside the declared ranges",
                f"out of range: {sorted(ranges.details['violations'])}",
            )
        )
    yield from _events(context, features, FEATURE_CHECKS, outcomes)


@dg.multi_asset_check(specs=check_specs(labels, LABEL_CHECKS, daily_partitions))
def label_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketSettings):
    from hl_pipeline.ml.checks import label_balance

    outcomes = []
    for date in run_dates(context)[0]:
        balance = label_balance(read_range(lake.path, "labels", [date], market.coin_list()).to_pandas())
        outcomes.append(
            _outcome(
                "labels_class_balance",
                date,
                balance,
                "WARN",
                "no class above 90% of a day's labels",
                f"one class dominates: {balance.details['skewed']}",
            )
        )
    yield from _events(context, labels, LABEL_CHECKS, outcomes)


@dg.multi_asset_check(specs=check_specs(training_set, TRAINING_CHECKS, daily_partitions))
def training_set_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource):
    from hl_pipeline.ml.checks import check_no_leakage

    outcomes = []
    for date in run_dates(context)[0]:
        frame = read_range(lake.path, "training_set", [date]).to_pandas()
        manifest = read_manifest(lake.path, "training_set", date)
        verdict = check_no_leakage(frame, manifest.details)
        outcomes.append(
            _outcome(
                "training_set_no_leakage",
                date,
                verdict,
                "ERROR",
                f"{len(frame)} rows: no label known after {manifest.details['as_of']} or inside a test window's past",
                f"leakage: {verdict.details}",
            )
        )
    yield from _events(context, training_set, TRAINING_CHECKS, outcomes)
