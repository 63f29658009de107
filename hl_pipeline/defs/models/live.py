"""Live truth: the champions' served predictions scored once their labels are known, and a warning
(posted to the webhook) when a champion decays below its own lower bound or its features drift."""

import math
from typing import Any

import dagster as dg

from hl_pipeline.defs._shared.checks import check_specs, report, run_dates
from hl_pipeline.defs._shared.metadata import lake_metadata
from hl_pipeline.defs._shared.partitions import daily_partitions, target_partitions
from hl_pipeline.defs._shared.policy import GATED, daily_lake_asset
from hl_pipeline.defs.resources import AlertsResource, LakeResource, MLflowResource, MLResource, ModelResource
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.settings import Settings

LIVE_CHECKS = {
    "champion_holding_up": (
        False,
        "No champion's trailing live net Sharpe (up to 7 days) is below its own lower bound"
        " (oos_net_sharpe_lcb) and no served feature has a PSI of 0.25 or more against its training data.",
    )
}
_VALUES = ("accuracy", "ic", "net_return", "net_sharpe", "trailing_sharpe", "champion_lcb", "max_psi")


def _scores(root: Location, date: str) -> dict[str, Any]:
    """The day's table, and each target's values by name (e.g. `BTC_15m trailing_sharpe`)."""
    from hl_pipeline.lake.report import markdown_table
    from hl_pipeline.steps.live_scores import day_table

    rows = day_table(root, date)
    values = {
        f"{r['target']} {k}": float(r[k])
        for r in rows
        for k in _VALUES
        if isinstance(r[k], float) and math.isfinite(r[k])
    }
    return {
        "scores": dg.MetadataValue.md(markdown_table(rows) if rows else "_no predictions that day_"),
        "decayed": ", ".join(r["target"] for r in rows if r["decayed"]) or "none",
        **values,
    }


def live_definitions(settings: Settings) -> dg.Definitions:
    targets = target_partitions(settings)

    @dg.asset(
        **daily_lake_asset(
            settings,
            "models",
            {"parquet", "mlflow"},
            deps=["predictions", "labels", "features"],
            automation_condition=GATED,
        )
    )
    def live_scores(
        context: dg.AssetExecutionContext,
        lake: LakeResource,
        mlflow: MLflowResource,
        models: ModelResource,
        ml: MLResource,
    ) -> dg.MaterializeResult:
        """Each target's served predictions of the day scored once their labels are known (accuracy,
        IC, the served strategy's net return and Sharpe), the PSI of every model feature against the
        serving version's training data, and the trailing net Sharpe (up to 7 days) against the
        version's own lower bound; unknown labels are counted as pending."""
        from hl_pipeline.steps.live_scores import score_days

        keys = [TargetKey.parse(k) for k in targets.get_partition_keys()]
        trading = models.trading(ml.bar)
        written = score_days(
            lake.path, mlflow.tracking(), keys, context.partition_keys, trading, context.log.info
        )
        metadata = lake_metadata(context, written, lake.path, lambda date, _: _scores(lake.path, date))
        return dg.MaterializeResult(metadata=metadata)

    @dg.multi_asset_check(specs=check_specs("live_scores", LIVE_CHECKS, daily_partitions(settings)))
    def live_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, alerts: AlertsResource):
        from hl_pipeline.alerts import decay_message, post_alert
        from hl_pipeline.steps.live_scores import holding_up

        outcomes = [holding_up(lake.path, date) for date in run_dates(context)[0]]
        failing = {o.partition: o.metadata["failing"] for o in outcomes if o.metadata.get("failing")}
        if failing and alerts.webhook_url:
            try:
                post_alert(alerts.webhook_url, decay_message(failing))
                context.log.info(f"decay alert posted for {', '.join(sorted(failing))}")
            except (RuntimeError, ValueError) as exc:  # the message names the host, never the URL
                context.log.warning(f"decay alert not posted: {exc}")
        elif failing:
            context.log.warning(f"no HL_ALERT_WEBHOOK_URL set; {decay_message(failing)}")
        yield from report(context, "live_scores", outcomes, LIVE_CHECKS)

    return dg.Definitions(assets=[live_scores], asset_checks=[live_checks])
