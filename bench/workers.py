"""A year of market data, then its features, through the Celery executor on the local stack, on 1 and
on 2 workers.

The year (ending yesterday, 2 coins) is split into four quarter runs of `market_job` (universe,
candles, funding and their checks) submitted to the queue at once; when they have ended, four
quarter runs of `ml_data_job` (features, labels, training sets and their checks) over the lake they
wrote. The automation sensors are stopped first, so that no run the daemon launches competes with
the measured ones. The stack (PostgreSQL, Redis, moto, the daemon, N workers of one step each) is
`hl-pipeline stack`'s, on free ports.
The simulator runs in its own process with retention and weight budget lifted. Wall time is
from the first run's start to the last run's end (run records), so the `dagster job launch`
processes' own start is left out; the time from submission to the last end is given beside it.
The pool `hyperliquid_api` (one slot) lets one exchange-reading step run at a time across all
runs and workers, so what a second worker can take over is the checks and the other runs' steps.

`python -m bench workers` (or `python -m bench.workers [DAYS]`, default 365).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from unittest import mock

from bench.common import RESULTS, free_port, save, simulator_process, table
from hl_pipeline.commands.stack import REPO, StackConfig, down, up

COINS = "BTC,ETH"
DAYS = 365
RUNS = 4


def quarters(first: dt.date, days: int, runs: int) -> list[tuple[str, str]]:
    """`days` from `first` cut into `runs` contiguous ranges (first, last), inclusive."""
    edges = [first + dt.timedelta(days=round(i * days / runs)) for i in range(runs + 1)]
    return [(a.isoformat(), (b - dt.timedelta(days=1)).isoformat()) for a, b in zip(edges, edges[1:])]


def _ready(config: StackConfig, names: list[str], seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    for name in names:
        log = config.root.resolve() / "logs" / f"{name}.log"
        while f"{name}@" not in log.read_text(errors="replace") or " ready." not in log.read_text(
            errors="replace"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not ready; see {log}")
            time.sleep(0.5)


PHASES = ("market_job", "ml_data_job")
AUTOMATION = ("ml_automation", "warehouse_automation")


def _dagster(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dagster")), *args, "-w", str(REPO / "workspace.yaml")]


def _launch(ranges: list[tuple[str, str]], env: dict[str, str], job: str) -> list[str]:
    """Submit one run of `job` per range, all at once; their ids."""
    ids, procs = [], []
    for first, last in ranges:
        run_id = str(uuid.uuid4())
        tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
        command = [*_dagster("job", "launch"), "-j", job, "--run-id", run_id]
        procs.append(
            subprocess.Popen(
                [*command, "--tags", json.dumps(tags)], env=env, cwd=REPO, stdout=subprocess.DEVNULL
            )
        )
        ids.append(run_id)
    if any(p.wait() for p in procs):
        raise RuntimeError("dagster job launch failed")
    return ids


def _runs(instance, run_ids: list[str]) -> list:
    runs = [instance.get_run_by_id(r) for r in run_ids]
    assert all(runs), "a submitted run is missing"
    return runs


def one(workers: int, url: str, work: Path, ranges: list[tuple[str, str]]) -> dict:
    import dagster as dg

    root = work / f"stack-{workers}"
    root.mkdir(parents=True)
    config = StackConfig(
        root=root, pg_port=free_port(), redis_port=free_port(), s3_port=free_port(), workers=workers
    )
    environ = dict(
        os.environ,
        HL_API_URL=url,
        HL_LAKE_ROOT=str(work / f"lake-{workers}"),
        HL_WAREHOUSE=str(work / f"warehouse-{workers}.duckdb"),
        HL_LANDING_ROOT=str(work / f"landing-{workers}"),
        HL_COINS=COINS,
        HL_VENUES="none",
        HL_RATE_LIMIT="0",
        HL_RETAINED_CANDLES="0",
    )
    phases = {}
    try:
        env = up(config, environ)
        _ready(config, [f"worker{i}" for i in range(1, workers + 1)])
        for sensor in AUTOMATION:
            subprocess.run(
                [*_dagster("sensor", "stop"), sensor], env=env, cwd=REPO, check=True, capture_output=True
            )
        with (
            mock.patch.dict(os.environ, config.env()),
            dg.DagsterInstance.from_config(str(config.home)) as inst,
        ):
            for job in PHASES:
                phases[job] = _phase(inst, ranges, env, job)
    finally:
        down(config)
    return {"workers": workers, "phases": phases, "load_1m_after": os.getloadavg()[0]}


def _phase(inst, ranges: list[tuple[str, str]], env: dict[str, str], job: str) -> dict:
    """One run of `job` per range, submitted at once and waited for: wall time, statuses, steps per worker."""
    import dagster as dg

    submitted = time.time()
    run_ids = _launch(ranges, env, job)
    while not all(run.is_finished for run in _runs(inst, run_ids)):
        time.sleep(1)
    stats = [inst.get_run_stats(r) for r in run_ids]
    steps: Counter[str] = Counter()
    for r in run_ids:
        for record in inst.all_logs(r, of_type=dg.DagsterEventType.ENGINE_EVENT):
            event = record.get_dagster_event()
            metadata = event.engine_event_data.metadata if event.engine_event_data else {}
            if "Celery worker" in metadata:
                steps[str(metadata["Celery worker"].value).split("@")[0]] += 1
    start = min(s.start_time for s in stats if s.start_time)
    end = max(s.end_time for s in stats if s.end_time)
    return {
        "wall_s": end - start,
        "submit_to_end_s": end - submitted,
        "statuses": [run.status.value for run in _runs(inst, run_ids)],
        "steps_per_worker": dict(steps),
    }


def main(_work: Path, days: int = DAYS) -> dict:
    last = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    ranges = quarters(last - dt.timedelta(days=days - 1), days, RUNS)
    load_before = os.getloadavg()[0]
    # outside the repo (mypy and ruff would read the workers' generated config modules), readable
    # by `postgres`, which PostgreSQL runs as when we are root
    work = Path(tempfile.mkdtemp(prefix="hl-bench-workers-"))
    work.chmod(0o755)
    try:
        with simulator_process("--no-retention", "--no-rate-limit") as url:
            results = [one(n, url, work, ranges) for n in (1, 2)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [
        {
            "job": job,
            "workers": r["workers"],
            "wall s (first start to last end)": f"{p['wall_s']:.1f}",
            "submit to last end s": f"{p['submit_to_end_s']:.1f}",
            "steps per worker": ", ".join(f"{k} {v}" for k, v in sorted(p["steps_per_worker"].items())),
            "runs": ", ".join(sorted(set(p["statuses"]))),
        }
        for job in PHASES
        for r in results
        for p in [r["phases"][job]]
    ]
    print(table(rows))
    speed_up = ", ".join(
        f"{job} {results[0]['phases'][job]['wall_s'] / results[1]['phases'][job]['wall_s']:.2f}x"
        for job in PHASES
    )
    print(
        f"{days} days x {COINS} as {RUNS} runs of each job ({ranges[0][0]}..{ranges[-1][1]}); 1-minute load "
        f"{load_before:.2f} before, {results[0]['load_1m_after']:.2f} after 1 worker, "
        f"{results[1]['load_1m_after']:.2f} after 2; speed-up of 2 workers: {speed_up} "
        f"({os.cpu_count()} cores)"
    )
    payload = {"days": days, "coins": COINS, "ranges": ranges, "load_before": load_before, "results": results}
    save("workers", payload)
    return payload


if __name__ == "__main__":
    main(RESULTS, *[int(a) for a in sys.argv[1:2]])
