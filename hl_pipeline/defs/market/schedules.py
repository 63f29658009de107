"""Refresh today's partition every hour; finalize yesterday's shortly after midnight UTC."""

import datetime as dt

import dagster as dg

from hl_pipeline.defs.market.jobs import market_job


def _day(context: dg.ScheduleEvaluationContext, days_back: int) -> str:
    return (
        context.scheduled_execution_time.astimezone(dt.UTC).date() - dt.timedelta(days=days_back)
    ).isoformat()


@dg.schedule(
    cron_schedule="5 * * * *",
    job=market_job,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def market_today_hourly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Today's partial day, refreshed hourly."""
    day = _day(context, 0)
    return dg.RunRequest(run_key=f"today-{context.scheduled_execution_time.isoformat()}", partition_key=day)


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
