"""Post every failed run to a webhook (Slack- or Discord-compatible) when HL_ALERT_WEBHOOK_URL is set."""

import os

import dagster as dg

from hl_pipeline.alerts import failure_message, post_alert


@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING, monitor_all_code_locations=False)
def run_failure_alert(context: dg.RunFailureSensorContext) -> None:
    """A failed run: post it to HL_ALERT_WEBHOOK_URL, or log it when no webhook is set."""
    run = context.dagster_run
    error = context.failure_event.message if context.failure_event else None
    text = failure_message(run.job_name, run.run_id, error, run.tags.get("dagster/partition"))
    url = os.environ.get("HL_ALERT_WEBHOOK_URL", "").strip()
    if not url:
        context.log.warning(f"no HL_ALERT_WEBHOOK_URL set; failed run: {text}")
        return
    post_alert(url, text)
    context.log.info(f"alert posted for run {run.run_id}")
