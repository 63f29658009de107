"""The production profile on the real stack: PostgreSQL storage, Redis, two Celery workers, the
daemon's queue. A range of market days materializes with its steps on both workers; a worker killed
mid-run leaves no partition half-written and its step is run again by the other worker; PostgreSQL
crashed mid-run for longer than any connection retry ends the run, half-writes nothing, and the
rerun completes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.commands.stack import (
    REPO,
    StackConfig,
    crash_postgres,
    down,
    kill,
    start_postgres,
    start_worker,
    up,
)
from hl_pipeline.lake.calendar import iso_ms
from hl_pipeline.lake.reader import manifest_at, read_table
from hl_pipeline.lake.storage import Location, lake_location, relative
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.lake.helpers import lake_tables
from hl_pipeline_tests.pipeline.conftest import run_range
from hl_pipeline_tests.s3_server import _free_port

pytestmark = pytest.mark.stack

VISIBILITY = 20  # seconds before Redis hands a dead worker's task on; every step here is shorter
ENDED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


class Stack:
    def __init__(self, config: StackConfig, env: dict[str, str], root: Path):
        self.config, self.env, self.root = config, env, root
        self.lake = lake_location(env["HL_LAKE_ROOT"])  # the stack's lake: on its S3 server

    def launch(self, first: str, last: str, job: str = "market_job") -> str:
        """Submit one run of `job` over the partitions `first`..`last` to the queue, as the UI would;
        its id."""
        run_id = str(uuid.uuid4())
        tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
        command = [str(Path(sys.executable).with_name("dagster")), "job", "launch"]
        command += ["-w", str(REPO / "workspace.yaml"), "-j", job, "--run-id", run_id]
        subprocess.run(
            [*command, "--tags", json.dumps(tags)],
            env=self.env,
            cwd=REPO,
            check=True,
            capture_output=True,
            timeout=180,
        )
        return run_id

    def workers_of(self, instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
        """step key -> the Celery worker that last started it, from the run's event log."""
        steps = {}
        for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
            event = record.get_dagster_event()
            metadata = event.engine_event_data.metadata if event.engine_event_data else {}
            if "Celery worker" in metadata and event.step_key:
                steps[event.step_key] = str(metadata["Celery worker"].value)
        return steps


def failures(instance: dg.DagsterInstance, run_id: str) -> str:
    """What the run's engine, its failed steps and its failure said, for an assertion's message."""
    said = []
    kinds = {
        dg.DagsterEventType.ENGINE_EVENT,
        dg.DagsterEventType.STEP_FAILURE,
        dg.DagsterEventType.RUN_FAILURE,
    }
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.event_type not in kinds:
            continue
        error = getattr(event.event_specific_data, "error", None)
        text = f"{event.step_key or 'run'}: {event.message}" + (
            f" ({error.message.strip()})" if error else ""
        )
        said.append(text[:600])
    return "; ".join(said)[-6000:]


def after_outage() -> None:
    """Wait out the daemon's next workspace reload: it restarts its code servers every
    RELOAD_WORKSPACE_INTERVAL seconds, and one started while PostgreSQL was down serves "too many
    retries for DB connection" to every run it is given until then (as an operator would, rerun after)."""
    from dagster._daemon.controller import RELOAD_WORKSPACE_INTERVAL

    time.sleep(RELOAD_WORKSPACE_INTERVAL + 15)


def wait_for(instance: dg.DagsterInstance, run_id: str, seconds: float) -> dg.DagsterRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = instance.get_run_by_id(run_id)
        if run is not None and run.status in ENDED:
            return run
        time.sleep(1)
    raise AssertionError(f"run {run_id} did not end within {seconds} s")


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    # PostgreSQL runs as the `postgres` user when we are root: a world-traversable folder, not tmp_path
    root = Path(tempfile.mkdtemp(prefix="hl-stack-"))
    root.chmod(0o755)
    config = StackConfig(
        root=root / "stack",
        pg_port=_free_port(),
        redis_port=_free_port(),
        s3_port=_free_port(),
        visibility_timeout=VISIBILITY,
    )
    config.root.mkdir()
    with running_simulator(SimulatorConfig(seed=7, now_ms=TEST_NOW_MS), port=0) as simulator:
        environ = {
            **os.environ,
            "HL_API_URL": simulator.base_url,
            "HL_WAREHOUSE": str(root / "warehouse.duckdb"),
            "HL_LANDING_ROOT": str(root / "landing"),
            "HL_MLFLOW_ROOT": str(root),
            "HL_AS_OF": iso_ms(TEST_NOW_MS),
            "HL_COINS": "BTC,ETH",
            "HL_VENUES": "none",
            "HL_MODEL_TARGETS": "BTC_5m",
        }
        try:
            env = up(config, environ)
            with pytest.MonkeyPatch.context() as mp:
                for name, value in config.env().items():
                    mp.setenv(name, value)  # this process reads the same instance
                yield Stack(config, env, root)
        finally:
            down(config)
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def instance(stack) -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.from_config(str(stack.config.home)) as inst:
        yield inst


def lake_files(lake: Location) -> dict[str, int]:
    """Every partition object of the lake with its rows, each read whole and checked against the
    manifest in its footer (a half-written file fails here)."""
    files = {}
    paths: list[Location] = sorted(lake.rglob("*.parquet"), key=str)
    for path in paths:
        rows = read_table(path).num_rows
        assert manifest_at(path).rows == rows, path
        files[relative(path, lake)] = rows
    return files


def test_a_range_runs_on_postgres_with_steps_on_both_workers_into_the_lake_on_s3(stack, instance, tmp_path):
    assert instance.run_storage.__class__.__name__ == "PostgresRunStorage"
    run_id = stack.launch("2024-02-27", "2024-02-29")
    run = wait_for(instance, run_id, 600)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    steps = stack.workers_of(instance, run_id)
    assert set(steps) >= {"universe", "candles", "funding"}
    hosts = {worker.split("@")[0] for worker in steps.values()}
    assert hosts == {"worker1", "worker2"}, steps
    materialized = {
        (record.asset_key.to_user_string(), record.partition)
        for record in instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
        for record in [record.asset_materialization]
        if record is not None
    }
    days = {"2024-02-27", "2024-02-28", "2024-02-29"}
    assert materialized == {(a, d) for a in ("universe", "candles", "funding") for d in days}
    files = lake_files(stack.lake)
    assert {p.split("/")[0] for p in files} >= {"candles", "funding", "universe"}
    assert_same_lake(stack, tmp_path / "lake", [("market_job", "2024-02-27", "2024-02-29")], days)


def assert_same_lake(stack: Stack, folder: Path, runs: list[tuple[str, str, str]], days: set[str]) -> None:
    """Run `runs` (job, first day, last day) in this process with the stack's settings but the lake in
    `folder`, and find every partition of `days` it writes equal, row for row, to the stack's on S3,
    which holds no other partition of those days and datasets."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in stack.env.items():
            if name.startswith("HL_"):
                mp.setenv(name, value)
        mp.setenv("HL_LAKE_ROOT", str(folder))
        mp.setenv("HL_EXECUTOR", "in_process")
        defs = load_definitions()
        with dg.instance_for_test() as here:
            for job, first, last in runs:
                assert run_range(defs.resolve_job_def(job), here, first, last).success, job
    local, remote = lake_tables(folder), lake_tables(stack.lake)
    written = {p for p in local if any(f"date={d}/" in p for d in days)}
    datasets = {p.split("/")[0] for p in written}
    of_days = {p for p in remote if p.split("/")[0] in datasets and any(f"date={d}/" in p for d in days)}
    assert written and written == of_days
    for path in sorted(written):
        assert remote[path].equals(local[path]), path


def started(stack: Stack, instance: dg.DagsterInstance, run_id: str, step: str) -> str:
    """The worker (name@host) running `step` of `run_id`, once it has started it."""
    deadline = time.monotonic() + 300
    while step not in (steps := stack.workers_of(instance, run_id)):
        assert time.monotonic() < deadline, f"{step} never started"
        time.sleep(0.2)
    return steps[step]


def test_a_worker_killed_mid_step_leaves_no_partition_half_written_and_the_step_runs_again(stack, instance):
    run_id = stack.launch("2024-02-22", "2024-02-26")
    victim = started(stack, instance, run_id, "candles").split("@")[0]
    kill(stack.config.root.resolve(), victim)
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED
    lake_files(stack.lake)  # what the killed step wrote is whole partitions or nothing
    run = wait_for(instance, run_id, 600)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    survivor = ({"worker1", "worker2"} - {victim}).pop()
    assert stack.workers_of(instance, run_id)["candles"].startswith(f"{survivor}@")
    files = lake_files(stack.lake)
    assert {p for p in files if "date=2024-02-2" in p and p.startswith("candles/")}
    start_worker(stack.config, victim, stack.env)  # what systemd's Restart=always would do
    rerun = wait_for(instance, stack.launch("2024-02-22", "2024-02-26"), 600)
    assert rerun.status == dg.DagsterRunStatus.SUCCESS
    assert lake_files(stack.lake) == files  # the rerun rewrote the same partitions, row for row


def test_postgres_crashed_mid_run_ends_the_run_with_no_partition_half_written_and_a_rerun_completes(
    stack, instance
):
    run_id = stack.launch("2024-02-15", "2024-02-19")
    started(stack, instance, run_id, "candles")
    crash_postgres(stack.config)
    time.sleep(30)  # longer than any retry of a connection: the run's processes meet the dead database
    lake_files(stack.lake)  # whole partitions or nothing
    start_postgres(stack.config)
    run = wait_for(instance, run_id, 600)
    assert run.status in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.SUCCESS)
    files = lake_files(stack.lake)
    after_outage()
    rerun = wait_for(instance, stack.launch("2024-02-15", "2024-02-19"), 600)
    server_log = (stack.config.root / "logs" / "postgres-server.log").read_text()[-2000:]
    assert rerun.status == dg.DagsterRunStatus.SUCCESS, f"{failures(instance, rerun.run_id)}\n{server_log}"
    after = lake_files(stack.lake)
    assert {p: after.get(p) for p in files} == files  # what the crashed run wrote, rewritten row for row
    days = {p.split("date=")[1][:10] for p in after if p.startswith("candles/")}
    assert {f"2024-02-{d}" for d in range(15, 20)} <= days


def test_a_run_whose_process_dies_while_postgres_is_down_is_failed_by_the_dead_runs_sensor(stack, instance):
    """The code server that started the run's process fails the run when the process dies, unless the
    database is down then: the run stays STARTED with nothing behind it, until `dead_runs`."""
    from hl_pipeline.defs.runs.monitor import worker_pid

    run_id = stack.launch("2024-02-10", "2024-02-12")
    started(stack, instance, run_id, "candles")
    run = instance.get_run_by_id(run_id)
    assert run is not None
    pid = worker_pid(instance, run)
    assert pid is not None
    crash_postgres(stack.config)
    os.kill(int(pid), signal.SIGKILL)  # as the out-of-memory killer would; nothing can report its end
    time.sleep(15)
    start_postgres(stack.config)
    run = wait_for(instance, run_id, 300)  # the daemon evaluates dead_runs every minute
    assert run.status == dg.DagsterRunStatus.FAILURE
    failure = [
        e.message
        for e in instance.all_logs(run_id)
        if e.dagster_event and e.dagster_event.event_type_value == "PIPELINE_FAILURE"
    ]
    assert any(f"its process {pid} is gone" in m for m in failure), failure
    files = lake_files(stack.lake)
    after_outage()
    rerun = wait_for(instance, stack.launch("2024-02-10", "2024-02-12"), 600)
    assert rerun.status == dg.DagsterRunStatus.SUCCESS
    after = lake_files(stack.lake)
    assert {p: after.get(p) for p in files} == files


def test_mlflow_tracks_in_the_stacks_postgres_with_artifacts_in_its_s3(stack, tmp_path):
    import boto3
    from mlflow import MlflowClient

    uri = stack.config.env()["MLFLOW_BACKEND_STORE_URI"]
    assert uri.startswith("postgresql+psycopg2://")
    client = MlflowClient(tracking_uri=uri)
    experiment = client.create_experiment("stack", artifact_location="s3://mlflow/stack")
    run_id = client.create_run(experiment).info.run_id
    client.log_metric(run_id, "sharpe", 1.5)
    (tmp_path / "model.txt").write_text("weights")
    client.log_artifact(run_id, str(tmp_path / "model.txt"))
    listed = boto3.client("s3").list_objects_v2(Bucket="mlflow")["Contents"]
    assert [o["Key"] for o in listed] == [f"stack/{run_id}/artifacts/model.txt"]
    assert MlflowClient(tracking_uri=uri).get_run(run_id).data.metrics == {"sharpe": 1.5}


def test_a_model_trained_on_the_workers_is_tracked_in_postgres_with_artifacts_in_s3(
    stack, instance, tmp_path
):
    """The pipeline's own runs use the stack's MLflow: market data, then features, labels and the
    training set, then the model, its promotion and backtest, each run through the queue; the ML
    assets on the stack's S3 equal those the same runs write to a local folder."""
    import boto3
    from mlflow import MlflowClient

    for job, first, last in (
        ("market_job", "2024-02-26", "2024-02-29"),  # the day before the first: the features' warm-up
        ("ml_data_job", "2024-02-27", "2024-02-29"),
        ("models_job", "BTC_5m", "BTC_5m"),
    ):
        run_id = stack.launch(first, last, job)
        status = wait_for(instance, run_id, 600).status
        assert status == dg.DagsterRunStatus.SUCCESS, f"{job}: {failures(instance, run_id)}"
    assert "model" in stack.workers_of(instance, run_id)  # trained on a Celery worker
    uri = stack.config.env()["HL_MLFLOW_URI"]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)  # not a registry another test left set
    (version,) = client.search_model_versions("name='hl_BTC_5m'")
    run = client.get_run(str(version.run_id))
    assert "oos_net_sharpe" in run.data.metrics and "promotion_decision" in version.tags
    assert run.info.artifact_uri == f"s3://mlflow/hl_pipeline/{run.info.run_id}/artifacts"
    prefix = f"hl_pipeline/{run.info.run_id}/artifacts/"
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket="mlflow", Prefix=prefix)["Contents"]]
    assert any(k.startswith(prefix + "plots/") for k in keys), keys
    assert not (stack.root / "mlruns").exists()  # nothing went to the embedded store
    runs = [("market_job", "2024-02-26", "2024-02-29"), ("ml_data_job", "2024-02-27", "2024-02-29")]
    assert_same_lake(stack, tmp_path / "lake", runs, {"2024-02-27", "2024-02-28", "2024-02-29"})
