"""Daily retraining at 02:00 UTC; features, labels, models, predictions and live scores follow new data."""

import dagster as dg


def model_automation() -> dg.Definitions:
    training_job = dg.define_asset_job(
        "training_job",
        selection=dg.AssetSelection.assets("training_set"),
        description=(
            "Today's training set (as of now); models, promotions and backtests follow it automatically."
        ),
    )
    models_job = dg.define_asset_job(
        "models_job",
        selection=dg.AssetSelection.assets("model", "promotion", "backtest"),
        description="Train, gate and backtest the selected targets (one run covers a range of targets).",
    )
    predictions_job = dg.define_asset_job(
        "predictions_job",
        selection=dg.AssetSelection.assets("predictions", "live_scores"),
        description=(
            "The champions score the selected days' features; the days' served predictions are scored"
            " against the labels known so far."
        ),
    )

    @dg.schedule(
        cron_schedule="0 2 * * *",
        job=training_job,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def daily_training(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """02:00 UTC: today's training set; a blocking leakage check gates the retraining it triggers."""
        day = context.scheduled_execution_time.date().isoformat()
        return dg.RunRequest(run_key=f"training-{day}", partition_key=day)

    ml_automation = dg.AutomationConditionSensorDefinition(
        "ml_automation",
        target=dg.AssetSelection.groups("ml", "models"),
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    return dg.Definitions(
        jobs=[training_job, models_job, predictions_job], schedules=[daily_training], sensors=[ml_automation]
    )
