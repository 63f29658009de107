"""Order-flow jobs, the landing sensor and the collector watch."""

import json
from pathlib import Path

import dagster as dg

from hl_pipeline.defs.order_flow.checks import collector_heartbeat_fresh
from hl_pipeline.defs.resources import OrderFlowResource
from hl_pipeline.market.landing_zone import new_files_by_day


def order_flow_automation() -> dg.Definitions:
    order_flow_job = dg.define_asset_job(
        "order_flow_job",
        selection=dg.AssetSelection.groups("order_flow"),
        description=(
            "Trades and book snapshots for the selected days, with their checks (one run covers a range)."
        ),
    )
    collector_watch_job = dg.define_asset_job(
        "collector_watch_job",
        selection=dg.AssetSelection.checks(collector_heartbeat_fresh),
        description="Is the collector alive? Evaluates its heartbeat.",
    )
    collector_watch = dg.ScheduleDefinition(
        name="collector_watch",
        job=collector_watch_job,
        cron_schedule="*/5 * * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every 5 minutes: the collector heartbeat check.",
    )

    @dg.sensor(
        job=order_flow_job, minimum_interval_seconds=120, default_status=dg.DefaultSensorStatus.RUNNING
    )
    def landing_sensor(context: dg.SensorEvaluationContext, order_flow: OrderFlowResource):
        """New landing files: request the days they touch (today's partition refreshes as files land)."""
        landing = Path(order_flow.landing_root)
        cursor = json.loads(context.cursor) if context.cursor else {}
        days, advanced = new_files_by_day(landing, ("trades", "l2Book", "gaps"), cursor)
        if not days:
            return dg.SkipReason(f"no new landing files under {landing}")
        context.update_cursor(json.dumps(advanced, sort_keys=True))
        stamp = max(advanced.values())
        return [dg.RunRequest(run_key=f"landing-{day}-{stamp}", partition_key=day) for day in days]

    return dg.Definitions(
        jobs=[order_flow_job, collector_watch_job], schedules=[collector_watch], sensors=[landing_sensor]
    )
