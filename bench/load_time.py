"""Time to load the code location in a fresh interpreter, as every run and UI reload pays it, and
the start of a step subprocess as Dagster launches one.

A launched run (the default run launcher) and `dagster asset materialize` are a fresh process
that imports Dagster, loads the code location, creates the run and then begins its first step
(every step of a run runs in that process: `in_process_executor`). The step-start figure is the
wall time from spawning `dagster asset materialize --select universe --partition DAY` (a cheap
partition: two info requests to a local simulator) to the STEP_START event in the instance's
event log, read back with its timestamps; also given to RUN_START and to process exit.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import env_for, save, simulator_process, table

REPEATS = 5
_LOAD = "from hl_pipeline.definitions import defs; d = defs(); d.resolve_asset_graph()"
STEP_START_TARGET_S = 3.0


def _wall(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def _event_times(home: Path) -> dict[str, float]:
    """Wall timestamps of the newest run's start, its first step's start and its success."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    names = {
        dg.DagsterEventType.RUN_START.value: "RUN_START",  # stored as PIPELINE_START
        dg.DagsterEventType.STEP_START.value: "STEP_START",
        dg.DagsterEventType.RUN_SUCCESS.value: "RUN_SUCCESS",
    }
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        run = instance.get_runs(limit=1)[0]
        times: dict[str, float] = {}
        for entry in instance.all_logs(run.run_id):
            kind = names.get(entry.dagster_event.event_type_value) if entry.dagster_event else None
            if kind is not None and kind not in times:
                times[kind] = entry.timestamp
        return times


def step_start(env: dict, home: Path, day: str) -> dict[str, float]:
    """One `dagster asset materialize` of `universe` for `day`: seconds from spawning the process to
    the run's start, to its first step's start, and to the process's exit."""
    cmd = [sys.executable, "-m", "dagster", "asset", "materialize", "-m", "hl_pipeline.definitions"]
    spawned = time.time()
    proc = subprocess.run([*cmd, "--select", "universe", "--partition", day], env=env, capture_output=True)
    exited = time.time()
    if proc.returncode:
        raise RuntimeError(f"materialize failed:\n{proc.stderr.decode()[-3000:]}")
    events = _event_times(home)
    return {
        "run_start_s": events["RUN_START"] - spawned,
        "step_start_s": events["STEP_START"] - spawned,
        "exit_s": exited - spawned,
    }


def _step_starts(repeats: int) -> list[dict[str, float]]:
    day = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    with tempfile.TemporaryDirectory() as tmp, simulator_process("--no-rate-limit") as url:
        home = Path(tmp) / "home"
        env = env_for(url, Path(tmp) / "lake", home, HL_COINS="BTC", HL_RATE_LIMIT="0")
        step_start(env, home, day)  # warm the page cache and the instance's storage
        return [step_start(env, home, day) for _ in range(repeats)]


def compiled_share(package: str) -> tuple[int, int]:
    """(modules with a bytecode file for this interpreter, modules) of an installed package: an
    install with --compile-bytecode leaves nothing to compile at a run's first import."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations is not None
    root = Path(next(iter(spec.submodule_search_locations)))
    sources = list(root.rglob("*.py"))
    compiled = sum(1 for src in sources if Path(importlib.util.cache_from_source(str(src))).exists())
    return compiled, len(sources)


def main() -> dict:
    load_before = os.getloadavg()[0]
    bytecode = {pkg: compiled_share(pkg) for pkg in ("dagster", "great_expectations", "pandas")}
    _wall(_LOAD)  # warm the bytecode cache
    bare = statistics.median(_wall("pass") for _ in range(REPEATS))
    dagster_only = statistics.median(_wall("import dagster") for _ in range(REPEATS))
    load = statistics.median(_wall(_LOAD) for _ in range(REPEATS))
    starts = _step_starts(REPEATS)
    med = {k: statistics.median(s[k] for s in starts) for k in starts[0]}
    spread = {k: (min(s[k] for s in starts), max(s[k] for s in starts)) for k in starts[0]}
    rows = [
        {"what": "python, nothing imported", "median s": f"{bare:.2f}", "min-max s": "-"},
        {"what": "import dagster", "median s": f"{dagster_only:.2f}", "min-max s": "-"},
        {"what": "load hl_pipeline code location", "median s": f"{load:.2f}", "min-max s": "-"},
    ] + [
        {
            "what": f"dagster asset materialize (one cheap partition): spawn to {label}",
            "median s": f"{med[key]:.2f}",
            "min-max s": f"{spread[key][0]:.2f}-{spread[key][1]:.2f}",
        }
        for key, label in (("run_start_s", "run start"), ("step_start_s", "step start"), ("exit_s", "exit"))
    ]
    print(table(rows))
    verdict = "met" if med["step_start_s"] < STEP_START_TARGET_S else "missed"
    load_after = os.getloadavg()[0]
    print(f"\nstep subprocess start: {med['step_start_s']:.2f} s median (target under 3 s: {verdict})")
    print("bytecode compiled: " + ", ".join(f"{p} {c}/{n} modules" for p, (c, n) in bytecode.items()))
    print(f"1-minute load average: {load_before:.2f} before, {load_after:.2f} after (2 cores)")
    payload = {
        "bare_s": bare,
        "dagster_s": dagster_only,
        "load_s": load,
        "repeats": REPEATS,
        "step_start": starts,
        "step_start_median_s": med["step_start_s"],
        "run_start_median_s": med["run_start_s"],
        "materialize_exit_median_s": med["exit_s"],
        "bytecode_compiled": bytecode,
        "load_1m": {"before": load_before, "after": load_after},
    }
    save("load_time", payload)
    return payload


if __name__ == "__main__":
    main()
