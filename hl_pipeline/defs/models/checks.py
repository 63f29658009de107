"""Model checks: an unsound training blocks its promotion; an inconsistent promotion blocks the
backtest and the predictions that follow it."""

import dagster as dg

from hl_pipeline.defs._shared.checks import check_specs, report, run_dates
from hl_pipeline.defs._shared.partitions import target_partitions
from hl_pipeline.defs.resources import MLflowResource
from hl_pipeline.settings import Settings

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


def model_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    targets = target_partitions(settings)

    @dg.multi_asset_check(specs=check_specs("model", MODEL_CHECKS, targets))
    def model_checks(context: dg.AssetCheckExecutionContext, mlflow: MLflowResource):
        from hl_pipeline.steps.model_checks import model_sound

        tracking = mlflow.tracking()
        yield from report(
            context, "model", [model_sound(tracking, key) for key in run_dates(context)[0]], MODEL_CHECKS
        )

    @dg.multi_asset_check(specs=check_specs("promotion", PROMOTION_CHECKS, targets))
    def promotion_checks(context: dg.AssetCheckExecutionContext, mlflow: MLflowResource):
        from hl_pipeline.steps.model_checks import promotion_recorded

        tracking = mlflow.tracking()
        outcomes = [promotion_recorded(tracking, key) for key in run_dates(context)[0]]
        yield from report(context, "promotion", outcomes, PROMOTION_CHECKS)

    return [model_checks, promotion_checks]
