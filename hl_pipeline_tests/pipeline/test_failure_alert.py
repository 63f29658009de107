"""A failed run is posted to the webhook from the environment, as Slack and Discord expect it."""

import dagster as dg
import pytest

from hl_pipeline.alerts import failure_message, post_alert
from hl_pipeline.commands.runs import load_definitions
from hl_pipeline_tests.pipeline.conftest import webhook_server


@pytest.fixture
def webhook():
    with webhook_server("/ok") as (base, received):
        yield base, received


def _failed_run(instance):
    """A real run that fails in its only step."""

    @dg.asset
    def doomed():
        raise ValueError("partition 2999-01-01 lies in the future")

    result = dg.materialize([doomed], instance=instance, raise_on_error=False)
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    (failure,) = [e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE"]
    return run, failure


def test_a_failed_run_is_posted_to_the_webhook(webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("HL_ALERT_WEBHOOK_URL", url + "/ok")
    defs = load_definitions()
    sensor = defs.resolve_sensor_def("run_failure_alert")
    with dg.instance_for_test() as instance:
        run, failure = _failed_run(instance)
        context = dg.build_run_status_sensor_context(
            sensor_name="run_failure_alert",
            dagster_instance=instance,
            dagster_run=run,
            dagster_event=failure,
            resources={"alerts": (defs.resources or {})["alerts"]},
        ).for_run_failure()
        sensor(context)
    (body,) = received
    assert body["text"] == body["content"] and run.run_id[:8] in body["text"] and run.job_name in body["text"]


def test_a_failing_webhook_is_an_error_naming_its_host_not_the_secret(webhook):
    url, _ = webhook
    with pytest.raises(RuntimeError, match=r"127\.0\.0\.1 answered HTTP 500") as err:
        post_alert(url + "/secret-token", "x")
    assert "secret-token" not in str(err.value)


def test_the_message_is_bounded_and_names_the_partition():
    text = failure_message("market_job", "0123456789abcdef", "boom\n" * 500, "2026-11-20")
    assert "`01234567`" in text and "partition 2026-11-20" in text and len(text) < 800
