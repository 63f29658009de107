"""The venues job and its schedules: today hourly after the market refresh, yesterday after midnight UTC."""

import dagster as dg

from hl_pipeline.defs.market.jobs import _day
from hl_pipeline.settings import Settings


def venue_jobs(settings: Settings) -> dg.Definitions:
    venues_job = dg.define_asset_job(
        "venues_job",
        selection=dg.AssetSelection.groups("venues"),
        description=(
            "Ingest the configured venues (HL_VENUES: " + (",".join(settings.venues) or "none") + ") for"
            " the selected days in one run: markets, 1m candles, funding and open interest, and the"
            " cross-venue check against Hyperliquid's candles (run market_job for those days first)."
        ),
    )

    @dg.schedule(
        cron_schedule="10 * * * *",
        job=venues_job,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def venues_today_hourly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """Today's partial day, refreshed hourly (five minutes after the market's)."""
        return dg.RunRequest(
            run_key=f"venues-today-{context.scheduled_execution_time.isoformat()}",
            partition_key=_day(context, 0),
        )

    @dg.schedule(
        cron_schedule="25 0 * * *",
        job=venues_job,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def venues_finalize_daily(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """Yesterday's partition, complete once the day has closed."""
        day = _day(context, 1)
        return dg.RunRequest(run_key=f"venues-finalize-{day}", partition_key=day)

    return dg.Definitions(jobs=[venues_job], schedules=[venues_today_hourly, venues_finalize_daily])
