"""Model checks: a sound training blocks nothing downstream; an inconsistent promotion blocks predictions."""

import dagster as dg

from hl_pipeline.defs.market.check_events import check_events, check_specs, run_dates
from hl_pipeline.defs.models.assets import model, promotion, target_partitions
from hl_pipeline.defs.resources import MLflowResource
from hl_pipeline.ml.models.targets import TargetKey

MODEL_CHECKS = {
    "model_sound": (
        True,
        "The newest version is registered, its run holds the evaluation, and every metric is finite.",
    )
}
PROMOTION_CHECKS = {
    "promotion_recorded": (
        True,
        "The newest version carries its gate decision, and `champion` points at a version the gate promoted.",
    ),
}


def _events(context, asset, checks, verdicts):
    from hl_pipeline.quality.outcome import CheckOutcome, jsonable

    outcomes = [
        CheckOutcome(check, key, passed, "ERROR", text, jsonable(meta))
        for check, key, passed, text, meta in verdicts
    ]
    return check_events(asset.key, outcomes, run_dates(context)[1], checks)


@dg.multi_asset_check(specs=check_specs(model, MODEL_CHECKS, target_partitions))
def model_checks(context: dg.AssetCheckExecutionContext, mlflow: MLflowResource):
    from hl_pipeline.registry.verdicts import model_verdict

    verdicts = [
        ("model_sound", key, *model_verdict(mlflow.tracking(), TargetKey.parse(key).model_name))
        for key in run_dates(context)[0]
    ]
    yield from _events(context, model, MODEL_CHECKS, verdicts)


@dg.multi_asset_check(specs=check_specs(promotion, PROMOTION_CHECKS, target_partitions))
def promotion_checks(context: dg.AssetCheckExecutionContext, mlflow: MLflowResource):
    from hl_pipeline.registry.verdicts import promotion_verdict

    verdicts = [
        ("promotion_recorded", key, *promotion_verdict(mlflow.tracking(), TargetKey.parse(key).model_name))
        for key in run_dates(context)[0]
    ]
    yield from _events(context, promotion, PROMOTION_CHECKS, verdicts)
