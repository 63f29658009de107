"""The order-flow job for real: yesterday from simulated S3 archives, today from a short
collector run against the simulator's WebSocket; checks, gaps, sensor and heartbeat watch."""

import asyncio
import datetime as dt

import dagster as dg
import pytest

from hl_pipeline.collector.session import Collector, CollectorConfig
from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.simulator.archives import write_archives
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.lake.helpers import manifest_of, partition_of
from hl_pipeline_tests.pipeline.conftest import run_range

COINS = ["BTC", "ETH"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A wall-clock simulator, yesterday's archives and a few seconds of collected landing files."""
    root = tmp_path_factory.mktemp("order_flow")
    config = SimulatorConfig(seed=11, rate_limit=False)
    today = dt.datetime.now(dt.UTC).date()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    before = (today - dt.timedelta(days=2)).isoformat()  # asset contexts 24 h back from yesterday
    write_archives(
        config, root / "archive", [before, yesterday], COINS, book_every_ms=300_000, progress=lambda _: None
    )
    with running_simulator(config, host="127.0.0.1", port=0) as sim:
        collector = Collector(
            CollectorConfig(
                api_url=sim.base_url,
                coins=COINS,
                landing=root / "landing",
                flush_seconds=0.2,
                rotate_seconds=1.0,
            ),
            book_snapshot=InfoClient(sim.base_url, rate_limit=False).l2_book,
        )

        async def collect():
            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(3.0, stop.set)
            await collector.run(stop)

        asyncio.run(collect())
        env = {
            "HL_API_URL": sim.base_url,
            "HL_LAKE_ROOT": str(root / "lake"),
            "HL_WAREHOUSE": str(root / "wh.duckdb"),
            "HL_COINS": ",".join(COINS),
            "HL_LANDING_ROOT": str(root / "landing"),
            "HL_BOOK_ARCHIVE": str(root / "archive" / "hyperliquid-archive"),
            "HL_FILLS_ARCHIVE": str(root / "archive" / "hl-mainnet-node-data"),
        }
        with pytest.MonkeyPatch.context() as mp:
            mp.delenv("HL_AS_OF", raising=False)
            for k, v in env.items():
                mp.setenv(k, v)
            defs = load_definitions()
            with dg.instance_for_test() as instance:
                market = run_range(defs.resolve_job_def("market_job"), instance, before, today.isoformat())
                flow = run_range(defs.resolve_job_def("order_flow_job"), instance, before, today.isoformat())
                yield {
                    "root": root,
                    "yesterday": yesterday,
                    "today": today.isoformat(),
                    "market": market,
                    "flow": flow,
                    "defs": defs,
                    "instance": instance,
                    "collector": collector,
                }


def _evaluations(result):
    return {
        (e.asset_key.to_user_string(), e.check_name, e.partition): e
        for e in result.get_asset_check_evaluations()
    }


def test_both_days_are_written_and_every_blocking_check_passes(world):
    assert world["market"].success and world["flow"].success
    evaluations = _evaluations(world["flow"])
    for day in (world["yesterday"], world["today"]):
        for asset, check in [
            ("trades", "trades_unique"),
            ("trades", "trades_valid_values"),
            ("trades", "trades_inside_candle_range"),
            ("book_snapshots", "book_snapshots_not_crossed"),
            ("book_snapshots", "book_snapshots_sorted_levels"),
            ("book_snapshots", "book_snapshots_level_counts"),
            ("asset_contexts", "asset_contexts_valid_values"),
            ("asset_contexts", "asset_contexts_unique_increasing"),
        ]:
            assert evaluations[(asset, check, day)].passed, (asset, check, day)
    lake = world["root"] / "lake"
    for coin in COINS:
        past = manifest_of(lake, "trades", world["yesterday"], coin)
        assert past.source.startswith("archive") and past.rows > 1000 and past.gaps == []
        now = manifest_of(lake, "trades", world["today"], coin)
        assert now.source.startswith("landing") and now.rows > 0
        assert partition_of(lake, "book_snapshots", world["today"], coin).num_rows >= 2 * 20


def test_today_records_where_the_collector_was_not_listening(world):
    lake = world["root"] / "lake"
    manifest = manifest_of(lake, "book_snapshots", world["today"], "BTC")
    causes = [g["cause"] for g in manifest.gaps]
    assert manifest.gaps[0]["start"].endswith("T00:00:00Z") and causes[0] == "not collecting"
    assert all(g["minutes"] >= 1 for g in manifest.gaps)
    complete = _evaluations(world["flow"])[("book_snapshots", "book_snapshots_complete", world["today"])]
    every = sum(len(manifest_of(lake, "book_snapshots", world["today"], c).gaps) for c in COINS)
    assert not complete.passed and complete.metadata["gap_count"].value == every


def test_the_sensor_requests_the_days_new_landing_files_touch(world):
    sensor = world["defs"].resolve_sensor_def("landing_sensor")
    resources = {"order_flow": world["defs"].resources["order_flow"]}
    context = dg.build_sensor_context(instance=world["instance"], resources=resources)
    requests = sensor(context)
    assert [r.partition_key for r in requests] == [world["today"]]
    again = dg.build_sensor_context(instance=world["instance"], cursor=context.cursor, resources=resources)
    assert isinstance(sensor(again), dg.SkipReason)


def test_the_heartbeat_watch_passes_right_after_the_collector_ran(world):
    job = world["defs"].resolve_job_def("collector_watch_job")
    result = job.execute_in_process(instance=world["instance"], raise_on_error=False)
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed, evaluation.description


def test_asset_contexts_come_from_the_archive_for_past_days_and_from_snapshots_today(world):
    lake = world["root"] / "lake"
    for coin in COINS:
        past = manifest_of(lake, "asset_contexts", world["yesterday"], coin)
        assert past.source.startswith("archive") and past.rows == 1440 and past.gaps == []
        rows = partition_of(lake, "asset_contexts", world["yesterday"], coin).to_pandas()
        assert rows["open_interest"].gt(0).all() and set(rows["source"]) == {"archive"}
        now = manifest_of(lake, "asset_contexts", world["today"], coin)
        assert now.source == "universe snapshots" and now.rows >= 1
        assert "universe snapshots" in now.unavailable[0]["reason"]


def test_a_backfilled_day_has_open_interest_features_from_the_archive(world):
    from hl_pipeline.steps.features import build_features

    lake = world["root"] / "lake"
    now_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    build_features(lake, [world["yesterday"]], COINS, now_ms)
    features = partition_of(lake, "features", world["yesterday"], "BTC").to_pandas()
    assert len(features) == 1440 and features["oi_missing"].sum() == 0
    assert features["oi_change_24h"].notna().all()  # 24 h back lies in the archived day before
