"""A backfill killed with SIGKILL (as an out-of-memory kill or a power loss would stop it) leaves
its run STARTED and its pool slot claimed; the next backfill fails that run, frees the slot, and
completes without a person."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

DAY = "2024-02-29"


def _started(instance: dg.DagsterInstance, seconds: float) -> dg.DagsterRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        if runs and instance.event_log_storage.get_concurrency_run_ids():
            return runs[0]
        time.sleep(0.2)
    raise AssertionError(f"no run STARTED with a pool slot claimed within {seconds} s")


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """The instance `make demo` and `make dev` set up (deploy/dagster.yaml: pools of one slot), in a
    DAGSTER_HOME of its own that a subprocess shares."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(Path(__file__).parents[2] / "deploy" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as inst:
        yield inst


def test_the_next_backfill_fails_a_killed_run_frees_its_slot_and_completes(pipeline_env, instance):
    env = dict(os.environ)
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hl_pipeline.cli", "backfill", "--start", DAY, "--end", "2024-03-01"],
            env=env,
            stdout=sink,
            stderr=sink,
        )
    try:
        killed = _started(instance, 120)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.STARTED  # stale
    assert killed.run_id in instance.event_log_storage.get_concurrency_run_ids()
    again = subprocess.run(  # in a process of its own: were the slot still claimed, it would wait, not fail
        [sys.executable, "-m", "hl_pipeline.cli", "backfill", "--start", DAY, "--end", DAY],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    out = again.stdout
    assert f"run {killed.run_id[:8]} of market_job: its process {proc.pid} is gone" in out
    assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE
    assert killed.run_id not in instance.event_log_storage.get_concurrency_run_ids()


def test_a_live_run_holding_the_slot_is_named_and_left_alone(pipeline_env, instance, capsys):
    from hl_pipeline.commands.runs import recover
    from hl_pipeline.settings import Settings

    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hl_pipeline.cli", "backfill", "--start", DAY, "--end", "2024-03-01"],
            env=dict(os.environ),
            stdout=sink,
            stderr=sink,
        )
    try:
        live = _started(instance, 120)
        proc.send_signal(signal.SIGSTOP)  # holds its slot, still alive
        try:
            recover(Settings.from_env(), instance)
        finally:
            proc.send_signal(signal.SIGCONT)
        out = capsys.readouterr().out
        assert f"run {live.run_id[:8]} of market_job (pid {proc.pid}, STARTED) holds pool slots" in out
        assert instance.get_run_by_id(live.run_id).status == dg.DagsterRunStatus.STARTED
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def test_the_dead_runs_sensor_fails_a_ui_run_whose_worker_died_and_frees_its_slot():
    """A run the UI launched carries no runner tags: its worker's pid comes from its start event."""
    from dagster._core.events import EngineEventData

    from hl_pipeline.defs.runs.monitor import dead_runs

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # a pid nobody has any more
    with dg.instance_for_test() as inst:
        run = dg.DagsterRun(job_name="market_job", run_id="d" * 8 + "-0000-0000-0000-000000000000")
        inst.add_run(run.with_status(dg.DagsterRunStatus.STARTED))
        inst.report_engine_event(
            f"Started process for run (pid: {proc.pid}).", run, EngineEventData.in_process(proc.pid)
        )
        inst.event_log_storage.set_concurrency_slots("hyperliquid_api", 1)
        assert inst.event_log_storage.claim_concurrency_slot(
            "hyperliquid_api", run.run_id, "candles"
        ).is_claimed
        mine = dg.DagsterRun(job_name="market_job", run_id="e" * 8 + "-0000-0000-0000-000000000000")
        inst.add_run(mine.with_status(dg.DagsterRunStatus.STARTED))
        inst.report_engine_event(
            f"Started process for run (pid: {os.getpid()}).", mine, EngineEventData.in_process(os.getpid())
        )

        result = dead_runs(dg.build_sensor_context(instance=inst))
        assert isinstance(result, dg.SkipReason)
        assert f"run dddddddd of market_job: its process {proc.pid} is gone" in (result.skip_message or "")
        assert _status(inst, run.run_id) == dg.DagsterRunStatus.FAILURE
        assert run.run_id not in inst.event_log_storage.get_concurrency_run_ids()
        assert _status(inst, mine.run_id) == dg.DagsterRunStatus.STARTED  # alive: left alone


def _status(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRunStatus:
    run = instance.get_run_by_id(run_id)
    assert run is not None
    return run.status


def _contents(lake: Path) -> dict[str, str]:
    """Every partition's content hash, by its path in the lake."""
    from hl_pipeline.lake.reader import manifest_at

    return {
        str(p.relative_to(lake)): manifest_at(p).content_hash for p in sorted(lake.rglob("part-0.parquet"))
    }


def _leftovers(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*") if ".tmp-" in p.name)


def _backfill(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hl_pipeline.cli", "backfill", "--start", DAY, "--end", DAY],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _written_since(folder: Path, t0: float) -> bool:
    return any(p.stat().st_mtime >= t0 for p in folder.rglob("part-0.parquet"))


MOMENTS = {  # what shows the backfill started at t0 is in the middle of that step
    "mid-candles": lambda lake, warehouse, t0: _written_since(lake / "candles", t0),
    "mid-funding": lambda lake, warehouse, t0: _written_since(lake / "funding", t0),
    "mid-warehouse": lambda lake, warehouse, t0: any(warehouse.parent.glob(f".{warehouse.name}.tmp-*")),
}


def test_backfills_killed_mid_candles_mid_funding_and_mid_warehouse_are_completed_by_the_next_one(
    pipeline_env, instance, tmp_path
):
    """Killed three times in a row at three moments; the next backfill completes without a person, its
    lake equals a clean run's, and no temporary or half-written catalog is left."""
    lake, warehouse = pipeline_env, tmp_path / "warehouse.duckdb"
    env = dict(os.environ)
    for moment, reached in MOMENTS.items():
        t0 = time.time()
        with open(os.devnull, "wb") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-m", "hl_pipeline.cli", "backfill", "--start", DAY, "--end", DAY],
                env=env,
                stdout=sink,
                stderr=sink,
            )
        try:
            deadline = time.monotonic() + 180
            while not reached(lake, warehouse, t0):
                assert proc.poll() is None, f"the backfill ended before {moment}"
                assert time.monotonic() < deadline, f"never reached {moment}"
                time.sleep(0.005)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()

    again = _backfill(env)
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.count("is gone; marked failed, pool slots freed") == 1  # the last killed run's
    clean_home = tmp_path / "clean"
    clean_home.mkdir()
    clean_lake = clean_home / "lake"
    clean = _backfill(
        env
        | {
            "HL_LAKE_ROOT": str(clean_lake),
            "HL_WAREHOUSE": str(clean_home / "warehouse.duckdb"),
            "DAGSTER_HOME": str(clean_home),
        }
    )
    assert clean.returncode == 0, clean.stderr[-2000:]
    assert _contents(lake) == _contents(clean_lake) != {}
    assert _leftovers(lake, warehouse.parent) == []
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("SELECT count(DISTINCT coin) FROM candles").fetchone() == (2,)


def test_a_run_is_this_machines_by_its_runner_tag_or_a_loopback_code_server():
    from hl_pipeline.defs.runs.monitor import GRPC_INFO_TAG, HOST_TAG, runs_here

    local, remote = json.dumps({"host": "localhost", "socket": "/tmp/x"}), json.dumps({"host": "10.0.0.7"})
    assert runs_here({HOST_TAG: "box"}, embedded=False, host="box")
    assert not runs_here({HOST_TAG: "other", GRPC_INFO_TAG: local}, embedded=True, host="box")
    assert runs_here({}, embedded=True, host="box")  # the embedded instance is one machine's
    assert runs_here({GRPC_INFO_TAG: local}, embedded=False, host="box")
    assert not runs_here({GRPC_INFO_TAG: remote}, embedded=False, host="box")
    assert not runs_here({}, embedded=False, host="box")  # untold: another machine's may be alive
    assert not runs_here({GRPC_INFO_TAG: "not json"}, embedded=False, host="box")
