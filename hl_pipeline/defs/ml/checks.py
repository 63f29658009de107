"""Checks of features, labels and training sets; the leakage guard blocks the models downstream."""

import dagster as dg

from hl_pipeline.defs._shared.checks import check_specs, report, run_dates
from hl_pipeline.defs._shared.partitions import daily_partitions
from hl_pipeline.defs.resources import LakeResource, MarketResource, MLResource
from hl_pipeline.settings import Settings

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
    "training_set_inputs_unchanged": (
        True,
        "Every feature and label partition the set selects still holds the content hash recorded when "
        "it was built, and they resolve to the rows and folds recorded.",
    ),
    "training_set_no_leakage": (
        True,
        "No label known after the set's as-of time; "
        "no training row's label known at or after its fold's test window.",
    ),
}


def ml_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    daily = daily_partitions(settings)

    @dg.multi_asset_check(specs=check_specs("features", FEATURE_CHECKS, daily))
    def feature_checks(
        context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource, ml: MLResource
    ):
        from hl_pipeline.steps.data_checks import feature_outcomes

        outcomes = feature_outcomes(lake.path, run_dates(context)[0], market.coins, ml.bar)
        yield from report(context, "features", outcomes, FEATURE_CHECKS)

    @dg.multi_asset_check(specs=check_specs("labels", LABEL_CHECKS, daily))
    def label_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource):
        from hl_pipeline.steps.data_checks import label_outcomes

        yield from report(
            context, "labels", label_outcomes(lake.path, run_dates(context)[0], market.coins), LABEL_CHECKS
        )

    @dg.multi_asset_check(specs=check_specs("training_set", TRAINING_CHECKS, daily))
    def training_set_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource):
        from hl_pipeline.steps.data_checks import training_set_outcomes

        outcomes = training_set_outcomes(lake.path, run_dates(context)[0])
        yield from report(context, "training_set", outcomes, TRAINING_CHECKS)

    return [feature_checks, label_checks, training_set_checks]
