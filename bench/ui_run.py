"""A one-day `market_job` launched as the UI launches it (`dagster dev`, GraphQL, the default run
launcher: a fresh process per run) beside the same day through `hl-pipeline backfill`."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import env_for, free_port, save, simulator_process, table

REPEATS = 3
ROOT = Path(__file__).resolve().parents[1]


def _backfill(env: dict, day: str) -> float:
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "hl_pipeline.cli", "backfill", "--start", day, "--end", day]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _wait_for_location(client, deadline_s: float = 120) -> None:
    deadline = time.monotonic() + deadline_s
    query = "{ repositoriesOrError { ... on RepositoryConnection { nodes { name } } } }"
    while True:
        try:
            nodes = client._execute(query)["repositoriesOrError"]["nodes"]
            if nodes:
                return
        except Exception:  # noqa: BLE001 - the webserver is still starting
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("dagster dev did not load the code location")
        time.sleep(0.5)


@contextlib.contextmanager
def _dagster_dev(env: dict) -> Iterator[Any]:
    """`dagster dev` on a free port with the code location loaded; yields a GraphQL client."""
    from dagster_graphql import DagsterGraphQLClient

    port = free_port()
    cmd = [sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = DagsterGraphQLClient("127.0.0.1", port_number=port)
        _wait_for_location(client)
        yield client
    finally:
        server.terminate()
        server.wait(timeout=60)


def _ui_run(client: Any, day: str) -> float:
    started = time.perf_counter()
    run_id = client.submit_job_execution("market_job", tags={"dagster/partition": day})
    while (status := client.get_run_status(run_id).value) not in ("SUCCESS", "FAILURE", "CANCELED"):
        time.sleep(0.25)
    if status != "SUCCESS":
        raise RuntimeError(f"UI run {run_id} ended {status}")
    return time.perf_counter() - started


def _summary(mode: str, walls: list[float]) -> dict:
    return {
        "mode": mode,
        "runs": len(walls),
        "median s": f"{statistics.median(walls):.1f}",
        "min-max s": f"{min(walls):.1f}-{max(walls):.1f}",
    }


def main(work: Path, repeats: int = REPEATS) -> dict:
    day = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    home = work / "ui-home"
    shutil.rmtree(home, ignore_errors=True)
    # the weight budget off on both sides: back-to-back runs would otherwise measure the 1200/minute limit
    with simulator_process("--no-rate-limit") as url:
        env = env_for(
            url,
            work / "ui-lake",
            home,
            HL_WAREHOUSE=str(work / "ui.duckdb"),
            HL_START_DATE=day,
            HL_RATE_LIMIT="0",
        )
        shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
        _backfill(env, day)  # untimed: the simulator generates and caches the day once
        cli, ui = [], []
        with _dagster_dev(env) as client:
            for _ in range(repeats):  # interleaved, so both see the same machine
                cli.append(_backfill(env, day))
                ui.append(_ui_run(client, day))
    rows = [
        _summary("hl-pipeline backfill (process start to exit)", cli),
        _summary("UI launch (submit to SUCCESS)", ui),
    ]
    ratio = statistics.median(ui) / statistics.median(cli)
    print(table(rows))
    print(f"UI / CLI median: {ratio:.2f}x (goal: at most 1.5x)")
    payload = {"day": day, "cli_s": cli, "ui_s": ui, "ratio": ratio}
    save("ui_run", payload)
    return payload


if __name__ == "__main__":
    out = Path(__file__).parent / "results" / "work"
    out.mkdir(parents=True, exist_ok=True)
    main(out)
