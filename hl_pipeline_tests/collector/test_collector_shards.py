"""Two `hl-pipeline collect --shard i/2` processes against the simulator: each lands only its slice
in its own folder, their Prometheus endpoints answer over HTTP while they stream, together they miss
no trade, and the real `order_flow_job` builds every coin's day from both folders; then
`hl-pipeline exporter` reports that run from the instance."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from hl_pipeline.collector.freshness import read_heartbeat_verdict
from hl_pipeline.collector.metrics import EXPORTED
from hl_pipeline.commands.pipeline_metrics import EXPORTED as PIPELINE_EXPORTED
from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.lake.landing_layout import subscribed_coins
from hl_pipeline.settings import Settings
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.collector.scrape import free_port, scrape, value
from hl_pipeline_tests.collector.streams import busy_config, keys, model_trades, on_disk
from hl_pipeline_tests.lake.helpers import manifest_of, partition_of

COINS = ["BTC", "ETH"]  # sorted and dealt: shard 0 streams BTC, shard 1 ETH
COLLECT = [sys.executable, "-m", "hl_pipeline.cli", "collect", "--coins", ",".join(COINS)]


def _tail(proc: subprocess.Popen) -> str:
    assert proc.stderr is not None
    return proc.stderr.read().decode()[-2000:]


def _wait(predicate, what: str, procs=(), timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        for proc in procs:
            assert proc.poll() is None, _tail(proc)
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """Both shards streamed for a few seconds and were stopped with SIGTERM; metrics scraped meanwhile."""
    root = tmp_path_factory.mktemp("shards")
    landing = root / "landing"
    with running_simulator(busy_config(seed=21), host="127.0.0.1", port=0) as sim:
        env = dict(os.environ, HL_API_URL=sim.base_url, HL_RATE_LIMIT="0")
        ports = [free_port(), free_port()]
        procs = [
            subprocess.Popen(
                [*COLLECT, "--landing", str(landing), "--shard", f"{i}/2", "--metrics-port", str(ports[i])],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for i in range(2)
        ]
        try:
            folders = [landing / f"shard-{i}-of-2" for i in range(2)]
            _wait(lambda: all(list((f / "trades").glob(".journal-*")) for f in folders), "journals", procs)
            scraped: list = []

            def streamed() -> bool:  # a fixed wait was too short on a loaded machine
                scraped[:] = [scrape(p) for p in ports]
                trades = [
                    ("hl_collector_messages_total", (("channel", "trades"), ("shard", f"{i}/2")))
                    for i in range(2)
                ]
                return all(samples.get(key, 0) > 10 for samples, key in zip(scraped, trades))

            _wait(streamed, "more than 10 trades messages on each shard", procs)
            started = [min(int(j.stem.split("-")[1]) for j in f.glob("trades/.journal-*")) for f in folders]
            time.sleep(1.0)
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                assert proc.wait(timeout=30) == 0, _tail(proc)
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
        yield {"root": root, "landing": landing, "scraped": scraped, "config": sim.config, "started": started}


def test_each_shard_lands_only_its_slice_in_its_own_folder(shards):
    landing = shards["landing"]
    assert sorted(p.name for p in landing.iterdir()) == ["shard-0-of-2", "shard-1-of-2"]
    for folder, coin in zip(sorted(landing.iterdir()), COINS):
        files = list(folder.glob("trades/*/*.parquet"))
        assert files and not list(folder.glob("*/.journal-*"))
        assert set(on_disk(folder, "trades")["coin"].to_pylist()) == {coin}
        assert set(on_disk(folder, "l2Book")["coin"].to_pylist()) == {coin}
        assert {subscribed_coins(p) for p in files} == {frozenset([coin])}  # the footer says what it heard


def test_together_the_shards_miss_no_trade(shards):
    market = Market(shards["config"])
    for folder, coin in zip(sorted(shards["landing"].iterdir()), COINS):
        landed = keys(on_disk(folder, "trades"), coin)
        assert len(landed) == len(set(landed)), f"{coin}: a trade landed twice"
        assert sorted(landed) == model_trades(market, coin, min(landed)[0] - 1, max(landed)[0]), coin


def test_every_shard_heartbeat_counts(shards):
    passed, text, _ = read_heartbeat_verdict(shards["landing"], time.time(), 120)
    assert passed, text
    assert text == "2 collector shards, every heartbeat fresh"


def test_the_metrics_endpoints_answered_while_streaming(shards):
    for i, (samples, coin) in enumerate(zip(shards["scraped"], COINS)):
        shard = f"{i}/2"
        names = {name for name, _ in samples}
        assert names >= set(EXPORTED) - {"hl_collector_gaps_total"}  # no gap yet on a first start
        assert names <= set(EXPORTED) | {n.removesuffix("_total") + "_created" for n in EXPORTED}
        assert value(samples, "hl_collector_connected", shard=shard) == 1
        assert value(samples, "hl_collector_subscriptions", shard=shard) == 2  # trades and l2Book of one coin
        assert value(samples, "hl_collector_messages_total", shard=shard, channel="trades") > 10
        assert value(samples, "hl_collector_journal_bytes_total", shard=shard, channel="trades") > 0
        lag = value(samples, "hl_collector_lag_seconds", shard=shard, channel="trades")
        assert 0 <= lag < 5, f"{coin}: lag {lag} s on loopback"
        newest = value(samples, "hl_collector_last_message_timestamp_seconds", shard=shard, channel="trades")
        assert abs(newest - time.time()) < 30


@pytest.fixture(scope="module")
def pipeline(shards):
    """The real order_flow_job for today over the landing root, on an instance on disk."""
    root = shards["root"]
    env = {
        "HL_LAKE_ROOT": str(root / "lake"),
        "HL_WAREHOUSE": str(root / "wh.duckdb"),
        "HL_COINS": ",".join(COINS),
        "HL_LANDING_ROOT": str(shards["landing"]),
        "HL_API_URL": "http://127.0.0.1:9",  # order flow reads the landing zone only
    }
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    defs = load_definitions(Settings.from_env(env))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        result = defs.resolve_job_def("order_flow_job").execute_in_process(
            instance=instance, partition_key=today, raise_on_error=False
        )
        runs = {s.value: instance.get_runs_count(dg.RunsFilter(statuses=[s])) for s in dg.DagsterRunStatus}
    return {"env": env, "home": home, "today": today, "result": result, "runs": runs}


def test_the_order_flow_assets_read_every_shard(shards, pipeline):
    lake, today = Path(pipeline["env"]["HL_LAKE_ROOT"]), pipeline["today"]
    events = pipeline["result"].get_asset_materialization_events()
    assert {e.asset_key.to_user_string() for e in events} >= {"trades", "book_snapshots"}
    for folder, coin, started in zip(sorted(shards["landing"].iterdir()), COINS, shards["started"]):
        landed = on_disk(folder, "trades")
        rows, expected = partition_of(lake, "trades", today, coin).num_rows, len(set(keys(landed, coin)))
        assert rows == expected > 0, (coin, rows, expected)
        # listened from the first journal on: the only gap after it is the tail not landed yet
        gaps = manifest_of(lake, "trades", today, coin).gaps
        after = [g for g in gaps if g["end"] > _iso(started + 1000)]
        assert [g["cause"] for g in after] == ["not yet landed"], gaps
        assert partition_of(lake, "book_snapshots", today, coin).num_rows > 0


def _iso(ms: int) -> str:
    from hl_pipeline.lake.calendar import iso_ms

    return iso_ms(ms)


def test_the_exporter_reports_the_run_and_its_checks(pipeline):
    port = free_port()
    env = dict(os.environ, DAGSTER_HOME=str(pipeline["home"]), **pipeline["env"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "hl_pipeline.cli", "exporter", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert f"metrics on http://127.0.0.1:{port}/metrics" in line, _tail(proc)
        samples = scrape(port)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    names = {name for name, _ in samples}
    assert names == set(PIPELINE_EXPORTED)
    for status, n in pipeline["runs"].items():
        assert value(samples, "dagster_runs", status=status) == n
    assert sum(pipeline["runs"].values()) == 1
    status = pipeline["result"].dagster_run.status.value
    assert value(samples, "dagster_job_last_run_timestamp_seconds", job="order_flow_job", status=status) > 0
    assert value(samples, "dagster_asset_freshness_seconds", asset="trades") < 600
    checks = {
        (dict(labels)["asset"], dict(labels)["check"]): v
        for (name, labels), v in samples.items()
        if name == "dagster_check_passed"
    }
    evaluations = pipeline["result"].get_asset_check_evaluations()  # the last of each check is its newest
    assert checks
    assert checks == {(e.asset_key.to_user_string(), e.check_name): int(e.passed) for e in evaluations}
