"""The market-data job and its schedules: refresh today hourly, finalize yesterday after midnight UTC."""

import datetime as dt

import dagster as dg

from hl_pipeline.settings import Settings


def _day(context: dg.ScheduleEvaluationContext, days_back: int) -> str:
    scheduled = context.scheduled_execution_time.astimezone(dt.UTC).date()
    return (scheduled - dt.timedelta(days=days_back)).isoformat()


def market_jobs(settings: Settings) -> dg.Definitions:
    market_job = dg.define_asset_job(
        "market_job",
        selection=dg.AssetSelection.groups("market"),
        description=(
            f"Ingest market data for the selected days (one run covers a whole range). Partitions start at"
            f" HL_START_DATE ({settings.start_date}); days nobody backfilled show as unfilled, not as"
            " failed: select a range and launch one backfill (1m candles older than the exchange's"
            " 5000-candle retention are recorded as unavailable; coarser intervals reach further back)."
        ),
    )

    @dg.schedule(
        cron_schedule="5 * * * *",
        job=market_job,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def market_today_hourly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """Today's partial day, refreshed hourly."""
        return dg.RunRequest(
            run_key=f"today-{context.scheduled_execution_time.isoformat()}", partition_key=_day(context, 0)
        )

    @dg.schedule(
        cron_schedule="20 0 * * *",
        job=market_job,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def market_finalize_daily(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """Yesterday's partition, complete once the day has closed."""
        day = _day(context, 1)
        return dg.RunRequest(run_key=f"finalize-{day}", partition_key=day)

    return dg.Definitions(jobs=[market_job], schedules=[market_today_hourly, market_finalize_daily])
