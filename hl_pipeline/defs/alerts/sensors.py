"""Post every failed run to a webhook (Slack- or Discord-compatible) when HL_ALERT_WEBHOOK_URL is set."""

import dagster as dg

from hl_pipeline.alerts import failure_message, post_alert
from hl_pipeline.defs.resources import AlertsResource


@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING, monitor_all_code_locations=False)
def run_failure_alert(context: dg.RunFailureSensorContext, alerts: AlertsResource) -> None:
    """A failed run: post it to the webhook, or log it when none is set."""
    run = context.dagster_run
    error = context.failure_event.message if context.failure_event else None
    text = failure_message(run.job_name, run.run_id, error, run.tags.get("dagster/partition"))
    if not alerts.webhook_url:
        context.log.warning(f"no HL_ALERT_WEBHOOK_URL set; failed run: {text}")
        return
    post_alert(alerts.webhook_url, text)
    context.log.info(f"alert posted for run {run.run_id}")
