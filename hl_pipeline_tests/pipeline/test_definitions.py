"""The code location loads and exposes the expected assets, checks, jobs and schedules."""

import datetime as dt

import dagster as dg

from hl_pipeline.commands.runs import load_definitions


def test_definitions_load_with_expected_graph():
    defs = load_definitions()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == {
        "universe",
        "candles",
        "funding",
        "warehouse",
        "collector_landing",
        "trades",
        "book_snapshots",
        "asset_contexts",
        "features",
        "labels",
        "training_set",
        "model",
        "promotion",
        "predictions",
        "backtest",
        "live_scores",
        "venue_markets",
        "venue_candles",
        "venue_funding",
        "venue_open_interest",
        "wallets",
        "wallet_fills",
        "wallet_positions",
        "wallet_funding",
        "wallet_pnl",
        "wallet_profiles",
        "wash_trades",
        "spoofing",
        "market_anomalies",
        "venue_integrity",
    }
    pnl_inputs = {k.to_user_string() for k in graph.get(dg.AssetKey("wallet_pnl")).parent_keys}
    assert pnl_inputs == {"wallet_positions", "wallet_funding", "asset_contexts"}
    for ingested in ("candles", "asset_contexts"):
        assert {k.to_user_string() for k in graph.get(dg.AssetKey(ingested)).parent_keys} == {"universe"}
    features = {k.to_user_string() for k in graph.get(dg.AssetKey("features")).parent_keys}
    assert {"venue_candles", "venue_funding", "venue_open_interest"} <= features
    for flow in ("trades", "book_snapshots"):
        assert {k.to_user_string() for k in graph.get(dg.AssetKey(flow)).parent_keys} == {"collector_landing"}
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert ("candles", "candles_complete") in checks and ("funding", "funding_valid_values") in checks
    assert ("trades", "trades_inside_candle_range") in checks and (
        "book_snapshots",
        "book_snapshots_not_crossed",
    ) in checks
    assert ("collector_landing", "collector_heartbeat_fresh") in checks
    assert ("training_set", "training_set_no_leakage") in checks
    assert ("training_set", "training_set_inputs_unchanged") in checks
    assert ("promotion", "promotion_recorded") in checks and ("model", "model_sound") in checks
    assert ("live_scores", "champion_holding_up") in checks
    assert ("asset_contexts", "asset_contexts_valid_values") in checks
    assert ("venue_candles", "venue_candles_cross_venue") in checks
    assert ("wallet_positions", "wallet_positions_match_clearinghouse") in checks
    assert ("wallet_pnl", "wallet_pnl_realised_matches_entry") in checks
    assert ("wash_trades", "wash_trades_no_high_score_events") in checks
    assert len(checks) == 12 + 5 + 8 + 1 + 2 + 1 + 2 + 1 + 1 + 1 + 3 + 3 + 1 + 3 + 3


def test_jobs_and_schedules():
    defs = load_definitions()
    assert defs.resolve_job_def("market_job").partitions_def is not None
    assert defs.resolve_job_def("warehouse_job")
    assert defs.resolve_job_def("order_flow_job").partitions_def is not None
    assert defs.schedules is not None and defs.sensors is not None
    crons = {s.name: s.cron_schedule for s in defs.schedules}  # type: ignore[union-attr]
    assert crons == {
        "market_today_hourly": "5 * * * *",
        "market_finalize_daily": "20 0 * * *",
        "collector_watch": "*/5 * * * *",
        "daily_training": "0 2 * * *",
        "daily_live_truth": "30 1 * * *",
        "venues_today_hourly": "10 * * * *",
        "venues_finalize_daily": "25 0 * * *",
    }
    (live,) = [s for s in defs.schedules if s.name == "daily_live_truth"]
    assert isinstance(live, dg.ScheduleDefinition)
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    )
    request = live(context)  # the schedule's function, invoked directly
    assert isinstance(request, dg.RunRequest) and request.partition_key == "2026-03-01"  # yesterday
    assert live.job_name == "live_truth_job"
    assert {s.name for s in defs.sensors} == {
        "landing_sensor",
        "warehouse_automation",
        "ml_automation",
        "run_failure_alert",
        "dead_runs",
    }
    targets = defs.resolve_job_def("models_job").partitions_def
    assert targets is not None
    assert targets.get_partition_keys()[:3] == [
        "BTC_5m",
        "BTC_15m",
        "BTC_60m",
    ]


def test_market_assets_backfill_in_one_run():
    graph = load_definitions().resolve_asset_graph()
    for key in (
        "universe",
        "candles",
        "funding",
        "trades",
        "book_snapshots",
        "asset_contexts",
        "features",
        "labels",
        "training_set",
        "venue_markets",
        "venue_candles",
        "venue_funding",
        "venue_open_interest",
    ):
        policy = graph.get(dg.AssetKey(key)).backfill_policy
        assert policy is not None and policy.max_partitions_per_run is None


def test_loading_the_code_location_imports_no_heavy_library():
    """Every run and UI reload pays the load; pandas, GX, MLflow and xgboost load where used."""
    import subprocess
    import sys

    code = (
        "import sys; from hl_pipeline.definitions import defs; defs().resolve_asset_graph(); "
        "print(sorted(m for m in ('pandas', 'great_expectations', 'mlflow', 'xgboost', 'sklearn') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_every_asset_has_owners_tags_code_version_and_gated_automation():
    graph = load_definitions().resolve_asset_graph()
    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        name = key.to_user_string()
        assert node.owners and node.tags.get("domain"), name
        assert node.code_version, name
        condition = node.automation_condition
        if condition is not None:  # automated: waits for the blocking checks of what it reads
            labels = [child.get_label() for child in condition.children]
            assert "eager" in labels and "all_deps_blocking_checks_passed" in labels, name
    for dataset in ("universe", "candles", "funding", "trades", "book_snapshots"):
        assert graph.get(dg.AssetKey(dataset)).freshness_policy is not None, dataset
    automated = {
        k.to_user_string() for k in graph.materializable_asset_keys if graph.get(k).automation_condition
    }
    assert automated == {
        "features",
        "labels",
        "model",
        "promotion",
        "predictions",
        "backtest",
        "live_scores",
        "warehouse",
    }
