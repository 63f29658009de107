"""A year of candles for 5 coins as one single-run backfill, beside one run per partition.

The simulator runs in its own process with its retention cap and weight budget lifted, and
renders candleSnapshot bodies column by column (hl_pipeline/simulator/snapshot.py), so it is
not what the single run waits for. The CPU each side spends is measured apart: the pipeline's
is this process's (the job runs in process, every thread counted), the simulator's is read from
/proc for its process; both are given per candle row written. The weight the same requests would
spend is converted into the time the real 1200/minute budget would impose.

`python -m bench.backfill_year [DAYS] [BASELINE_RUNS]` runs it alone (defaults: 365 and 5) into
bench/results/work-backfill.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, cast

from bench.common import RESULTS, env_for, peak_rss_mb, save, simulator_process, table

COINS = "BTC,ETH,SOL,BNB,ARB"
DAYS = 365
BASELINE_RUNS = 5
TARGET_SPEEDUP = 150


def process_cpu_s(pid: int | None = None) -> float:
    """User + system CPU seconds of a process so far: this one (every thread) or `pid` (from /proc)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_serving(port: int) -> int:
    """Pid of this process's child started with `--port <port>` (the simulator)."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # the process ended while we looked
            continue
        if ppid == me and b"--port" in argv and argv[argv.index(b"--port") + 1] == str(port).encode():
            return int(entry.name)
    raise RuntimeError(f"no child process serving port {port}")


class CpuSampler:
    """This process's CPU seconds against the wall clock, sampled every `period` s in a thread, so
    the CPU of a span (a step, between two event-log timestamps) can be read off afterwards."""

    def __init__(self, period: float = 0.1):
        self.period, self.samples = period, [(time.time(), process_cpu_s())]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            self.samples.append((time.time(), process_cpu_s()))

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.time(), process_cpu_s()))

    def cpu_at(self, wall: float) -> float:
        """CPU seconds at wall time `wall`, interpolated between the samples around it."""
        times = [t for t, _ in self.samples]
        i = min(max(bisect.bisect_left(times, wall), 1), len(times) - 1)
        (t0, c0), (t1, c1) = self.samples[i - 1], self.samples[i]
        return c0 + (c1 - c0) * (min(max(wall, t0), t1) - t0) / ((t1 - t0) or 1.0)


def load_1m() -> float:
    return os.getloadavg()[0]


def _step_spans(instance: Any, run_id: str) -> dict[str, tuple[float, float]]:
    """(start, end) wall timestamps of each step of a run, from its event log."""
    started, spans = {}, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            spans[event.step_key] = (started[event.step_key], entry.timestamp)
    return spans


def _single_run(first: str, last: str, env: dict[str, str], simulator_pid: int) -> dict:
    import dagster as dg

    from hl_pipeline.commands.runs import load_definitions
    from hl_pipeline.exchange.shared import client_for
    from hl_pipeline.settings import Settings

    s = Settings.from_env(env)
    job = load_definitions(s).resolve_job_def("market_job")
    instance = dg.DagsterInstance.ephemeral()
    cpu0, sim0 = process_cpu_s(), process_cpu_s(simulator_pid)
    started = time.perf_counter()
    with CpuSampler() as sampler:
        result = job.execute_in_process(
            instance=instance,
            asset_selection=[dg.AssetKey("candles")],
            tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
        )
    seconds = time.perf_counter() - started
    cpu, sim = process_cpu_s() - cpu0, process_cpu_s(simulator_pid) - sim0
    spans = _step_spans(instance, result.run_id)
    materializations = result.asset_materializations_for_node("candles")
    rows = sum(
        int(cast(int, m.metadata["dagster/row_count"].value))  # an IntMetadataValue, one per day
        for m in materializations
    )
    stats = client_for(api_url=s.api_url, rate_limit=s.rate_limit, retained_candles=s.retained_candles).stats
    return {
        "seconds": seconds,
        "rows": rows,
        "partitions": len(materializations),
        "pipeline_cpu_s": cpu,
        "simulator_cpu_s": sim,
        "steps_s": {step: end - start for step, (start, end) in spans.items()},
        "steps_cpu_s": {
            step: sampler.cpu_at(end) - sampler.cpu_at(start) for step, (start, end) in spans.items()
        },
        "weight": stats.weight,
        "requests": stats.requests,
        "success": result.success,
    }


def _per_partition_runs(dates: list[str], env: dict) -> list[float]:
    """Wall time of `dagster asset materialize` for each date, each in a fresh process, as the
    default launcher runs a partition."""
    times = []
    for date in dates:
        started = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "dagster",
                "asset",
                "materialize",
                "-m",
                "hl_pipeline.definitions",
                "--select",
                "candles",
                "--partition",
                date,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            raise RuntimeError(f"run for {date} failed:\n{proc.stderr[-3000:]}")
        times.append(time.perf_counter() - started)
    return times


def report(single: dict, per_run: list[float], peak: float, days: int) -> tuple[list[dict], dict]:
    """The table rows and the derived figures."""
    rows, wall = single["rows"], single["seconds"]
    median = statistics.median(per_run)
    extrapolated = median * days
    us = 1e6 / rows if rows else float("nan")
    table_rows = [
        {
            "mode": f"single run, {days} days x 5 coins",
            "wall s": f"{wall:.1f}",
            "rows": rows,
            "rows/s": f"{rows / wall:,.0f}",
            "pipeline CPU s": f"{single['pipeline_cpu_s']:.1f}",
            "pipeline µs/row": f"{single['pipeline_cpu_s'] * us:.1f}",
            "simulator CPU s": f"{single['simulator_cpu_s']:.1f}",
            "simulator µs/row": f"{single['simulator_cpu_s'] * us:.1f}",
            "peak MiB": f"{peak:.0f}",
        },
        {
            "mode": f"run per partition (median of {len(per_run)}, x{days})",
            "wall s": f"{extrapolated:.0f}",
            "rows": "same",
            "rows/s": f"{rows / extrapolated:,.0f}",
            "pipeline CPU s": "-",
            "pipeline µs/row": "-",
            "simulator CPU s": "-",
            "simulator µs/row": "-",
            "peak MiB": "-",
        },
    ]
    figures = {
        "per_partition_s": per_run,
        "per_partition_median_s": median,
        "extrapolated_s": extrapolated,
        "speedup": extrapolated / wall,
        "speedup_min": min(per_run) * days / wall,
        "speedup_max": max(per_run) * days / wall,
        "pipeline_us_per_row": single["pipeline_cpu_s"] * us,
        "simulator_us_per_row": single["simulator_cpu_s"] * us,
    }
    return table_rows, figures


def main(work: Path, days: int = DAYS, baseline_runs: int = BASELINE_RUNS) -> dict:
    """Backfill into `work`/lake (kept for the storage benchmark)."""
    today = dt.datetime.now(dt.UTC).date()
    last = today - dt.timedelta(days=1)
    first = last - dt.timedelta(days=days - 1)
    load_before = load_1m()
    with simulator_process("--no-retention", "--no-rate-limit") as url:
        simulator_pid = child_serving(int(url.rsplit(":", 1)[1]))
        env = env_for(
            url, work / "lake", work / "home", HL_COINS=COINS, HL_RATE_LIMIT="0", HL_RETAINED_CANDLES="0"
        )
        single = _single_run(first.isoformat(), last.isoformat(), env, simulator_pid)
        peak = peak_rss_mb()
        load_after_single = load_1m()
        sample = [(first + dt.timedelta(days=i)).isoformat() for i in range(baseline_runs)]
        baseline_env = dict(env, HL_LAKE_ROOT=str(work / "lake-baseline"))
        per_run = _per_partition_runs(sample, baseline_env)
    load_after = load_1m()
    if not single["success"]:
        raise RuntimeError("the single run failed")
    rows, figures = report(single, per_run, peak, days)
    print(table(rows))
    steps = ", ".join(
        f"{k} {v:.1f} s wall, {single['steps_cpu_s'][k]:.1f} s pipeline CPU"
        for k, v in single["steps_s"].items()
    )
    print(
        f"\nspeed-up of the single run: {figures['speedup']:.0f}x (target {TARGET_SPEEDUP}x; "
        f"{figures['speedup_min']:.0f}x-{figures['speedup_max']:.0f}x over the fastest and slowest "
        "per-partition run)"
    )
    print(
        f"per-partition runs: median {figures['per_partition_median_s']:.1f} s, "
        f"min {min(per_run):.1f} s, max {max(per_run):.1f} s ({', '.join(f'{t:.1f}' for t in per_run)})"
    )
    print(f"single-run steps: {steps}; {single['partitions']} partitions")
    print(
        f"1-minute load average: {load_before:.2f} before, {load_after_single:.2f} after the single run, "
        f"{load_after:.2f} after the per-partition runs (2 cores)"
    )
    budget_minutes = single["weight"] / 1200
    print(
        f"requests {single['requests']}, weight {single['weight']}: under the real 1200/minute budget "
        f"the same backfill needs at least {budget_minutes:.0f} minutes"
    )
    payload = {
        "single": single,
        "peak_mib": peak,
        **figures,
        "baseline_runs": baseline_runs,
        "days": days,
        "budget_minutes": budget_minutes,
        "range": [first.isoformat(), last.isoformat()],
        "load_1m": {"before": load_before, "after_single": load_after_single, "after": load_after},
        "cpus": os.cpu_count(),
    }
    save("backfill_year", payload)
    return payload


if __name__ == "__main__":
    work = RESULTS / "work-backfill"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    args = [int(a) for a in sys.argv[1:3]]
    main(work, *args)
