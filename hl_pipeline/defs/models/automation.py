"""Daily retraining at 02:00 UTC; yesterday's live truth at 01:30 UTC; features, labels, models,
predictions and live scores follow new data."""

import datetime as dt

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

    live_truth_job = dg.define_asset_job(
        "live_truth_job",
        selection=dg.AssetSelection.assets("labels", "live_scores"),
        description=(
            "A day's labels again, once the next day's first hour has closed (the longest horizon), and"
            " its served predictions scored against them."
        ),
    )

    @dg.schedule(
        cron_schedule="30 1 * * *",
        job=live_truth_job,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def daily_live_truth(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """01:30 UTC: yesterday's labels are all known (the longest horizon is an hour), so yesterday's
        served predictions are scored whole; automation alone only follows the newest day."""
        day = (context.scheduled_execution_time.date() - dt.timedelta(days=1)).isoformat()
        return dg.RunRequest(run_key=f"live-truth-{day}", partition_key=day)

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
        jobs=[training_job, models_job, predictions_job, live_truth_job],
        schedules=[daily_training, daily_live_truth],
        sensors=[ml_automation],
    )
