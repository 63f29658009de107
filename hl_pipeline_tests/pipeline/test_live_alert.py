"""live_scores through Dagster: a champion holding up passes quietly; one that decays and drifts fails
the warning check, which posts the alert to the webhook without ever logging its URL."""

import dagster as dg
import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline_tests.pipeline.conftest import run_range, webhook_server
from hl_pipeline_tests.steps.live_lake import KEY, LIVE, champion, market, write_day

SECRET = "T000/B000/secret-token"


@pytest.fixture
def webhook():
    with webhook_server(f"/{SECRET}") as (base, received):
        yield f"{base}/{SECRET}", received


def _checks(result: dg.ExecuteInProcessResult) -> dict[str | None, bool]:
    """Per day of a range run, then for the whole run (None): did champion_holding_up pass."""
    return {e.partition: e.passed for e in result.get_asset_check_evaluations()}


def test_a_decaying_champion_warns_and_alerts_the_webhook(tmp_path, webhook, monkeypatch):
    url, received = webhook
    data, lake = market(), tmp_path / "lake"
    tracking = champion(tmp_path / "mlflow", data)
    write_day(lake, tracking, data, LIVE[0])
    write_day(lake, tracking, data, LIVE[1], flip=True)
    write_day(lake, tracking, data, LIVE[2], flip=True, shift="macd")
    for name, value in {
        "HL_LAKE_ROOT": str(lake), "HL_MLFLOW_ROOT": str(tmp_path / "mlflow"), "HL_COINS": "BTC",
        "HL_MODEL_TARGETS": KEY.key, "HL_ALERT_WEBHOOK_URL": url, "HL_START_DATE": "2025-01-01",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    job = load_definitions().resolve_job_def("predictions_job")
    live = [dg.AssetKey("live_scores")]
    with dg.instance_for_test() as instance:
        holding = run_range(job, instance, LIVE[0], LIVE[0], asset_selection=live)
        assert holding.success and _checks(holding) == {LIVE[0]: True, None: True} and received == []
        decaying = run_range(job, instance, LIVE[1], LIVE[2], asset_selection=live)
        assert decaying.success  # a warning, not a blocking check
        assert _checks(decaying) == {LIVE[1]: False, LIVE[2]: False, None: False}
        (body,) = received  # one alert for the run, naming every failing day
        text = body["text"]
        assert f"{LIVE[1]} `{KEY.key}` v1: decayed, trailing net Sharpe -" in text
        assert f"{LIVE[2]} `{KEY.key}` v1: decayed" in text and "drifted: macd (max PSI" in text
        assert "vs lower bound " in text and body["content"] == text
        record = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=live[0], asset_partitions=[LIVE[2]]), limit=1
        ).records[0]
        materialization = record.asset_materialization
        assert materialization is not None
        metadata = {k: v.value for k, v in materialization.metadata.items()}
        assert metadata["decayed"] == KEY.key and KEY.key in str(metadata["scores"])
        trailing, bound = metadata[f"{KEY.key} trailing_sharpe"], metadata[f"{KEY.key} champion_lcb"]
        assert isinstance(trailing, float) and isinstance(bound, float) and trailing < 0 < bound
        logged = [e.message for run in (holding, decaying) for e in instance.all_logs(run.run_id)]
        assert any("decay alert posted" in m for m in logged)
        assert not any("secret-token" in m for m in logged)
