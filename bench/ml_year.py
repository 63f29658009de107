"""Features, labels and training sets for a year x 5 coins through `ml_data_job` (Dagster, every
check run), beside the same job on the code before the training set became a selection.

Inputs are synthetic 1m candles, funding and asset contexts written into a lake as the market
assets write them (bench/features_year.py's generator; no book or trade inputs, so those features
are missing and flagged). Each run is a fresh process (for its own peak memory) executing the
job over a partition range in one run, as `hl-pipeline` and a UI backfill do. The baseline is
commit BASELINE_COMMIT, checked out in a temporary git worktree and run on a shorter span
(BASELINE_DAYS): its training set copies a 14-day window per partition, so its cost grows with
the span; both codes run that span for the side-by-side ratio, the new code also the year.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, baseline_tree, peak_rss_mb, save, table

COINS = ("BTC", "ETH", "SOL", "BNB", "ARB")
DAYS = 365
BASELINE_DAYS = 31
BASELINE_COMMIT = "f850277"  # the training set as a copy of its window in every partition
RUNS = 3
STEPS = ("features", "feature_checks", "labels", "label_checks", "training_set", "training_set_checks")


def write_inputs(lake: Path, first: dt.date, days: int) -> None:
    """Synthetic candles, funding and universe partitions for COINS over `days` days from `first`."""
    import pandas as pd
    import pyarrow as pa

    from bench import features_year
    from hl_pipeline.lake.calendar import date_of_ms
    from hl_pipeline.lake.manifest import Manifest
    from hl_pipeline.lake.schemas import SCHEMAS
    from hl_pipeline.lake.writer import write_partition
    from hl_pipeline.ml.pointintime import ms

    start = int(dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC).timestamp() * 1000)
    features_year.START = start  # the generator's epoch
    inputs = features_year.synthetic_inputs(days + 1)
    ingest = pd.Timestamp.now(tz="UTC").floor("ms")
    inputs["candles"] = inputs["candles"].assign(source="api", ingest_time=ingest)
    inputs["funding"] = inputs["funding"].assign(ingest_time=ingest)
    inputs["universe"] = inputs.pop("asset_contexts").assign(
        asset_id=0, sz_decimals=2, max_leverage=20, is_delisted=False, tracked=True, ingest_time=ingest
    )
    for dataset, frame in inputs.items():
        schema = SCHEMAS[dataset]
        for column in schema.names:
            if column not in frame.columns:
                frame[column] = None
        day = (ms(frame["time"]) - start) // 86_400_000
        keys = ["coin"] if dataset == "universe" else []
        for d, rows in frame.groupby(day):
            date = date_of_ms(start + int(d) * 86_400_000)
            parts = [(None, rows)] if keys else list(rows.groupby("coin"))
            for coin, part in parts:
                t = pa.Table.from_pandas(part[schema.names], schema=schema, preserve_index=False)
                write_partition(lake, t, Manifest.for_table(dataset, date, coin, t, "synthetic"))


def run_job(lake: str, first: str, last: str) -> dict:
    """In this process: ml_data_job over first..last; step seconds from the event log, peak memory."""
    import dagster as dg

    from hl_pipeline.commands.runs import load_definitions
    from hl_pipeline.settings import Settings

    settings = Settings.from_env({**os.environ, "HL_LAKE_ROOT": lake, "HL_COINS": ",".join(COINS)})
    job = load_definitions(settings).resolve_job_def("ml_data_job")
    with dg.DagsterInstance.ephemeral() as instance:
        started = time.perf_counter()
        result = job.execute_in_process(
            instance=instance,
            tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
            raise_on_error=False,
        )
        wall = time.perf_counter() - started
        steps = {
            event.step_key: event.event_specific_data.duration_ms / 1000  # type: ignore[union-attr]
            for event in result.all_events
            if event.event_type_value == "STEP_SUCCESS" and event.step_key
        }
    return {
        "success": result.success,
        "wall_s": wall,
        "steps_s": steps,
        "peak_mib": peak_rss_mb(),
    }


def _child(lake: Path, first: dt.date, last: dt.date, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code), "DAGSTER_HOME": str(lake.parent / "home")}
    (lake.parent / "home").mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "bench.ml_year", "run", str(lake), first.isoformat(), last.isoformat()]
    started = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=code, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - started
    if not result["success"]:
        raise RuntimeError(f"ml_data_job failed on {code}:\n{out.stderr[-3000:]}")
    return result


def _summary(runs: list[dict], key: str) -> tuple[float, float, float]:
    values = [r[key] for r in runs]
    return statistics.median(values), min(values), max(values)


def main(work: Path) -> dict:
    last = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    first = last - dt.timedelta(days=DAYS - 1)
    short = last - dt.timedelta(days=BASELINE_DAYS - 1)
    inputs = work / "ml_inputs"
    write_inputs(inputs, first, DAYS)
    load = [os.getloadavg()[0]]
    runs: dict[str, list[dict]] = {"baseline_short": [], "new_short": [], "new_year": []}

    def fresh(name: str) -> Path:
        lake = work / "ml_runs" / name / "lake"
        subprocess.run(["rm", "-rf", str(lake.parent)], check=True)
        lake.parent.mkdir(parents=True)
        subprocess.run(["cp", "-al", str(inputs), str(lake)], check=True)  # hard links: inputs untouched
        return lake

    with baseline_tree(BASELINE_COMMIT, Path(__file__)) as old:
        for _ in range(RUNS):
            runs["baseline_short"].append(_child(fresh("baseline"), short, last, old))
            runs["new_short"].append(_child(fresh("new"), short, last, ROOT))
            runs["new_year"].append(_child(fresh("year"), first, last, ROOT))
            print(
                f"round {len(runs['new_year'])}: "
                + ", ".join(f"{k} {v[-1]['wall_s']:.1f} s" for k, v in runs.items())
            )
    load.append(os.getloadavg()[0])
    rows = []
    for name, label in (
        ("baseline_short", f"baseline {BASELINE_COMMIT}, {BASELINE_DAYS} days"),
        ("new_short", f"selection, {BASELINE_DAYS} days"),
        ("new_year", f"selection, {DAYS} days"),
    ):
        med, lo, hi = _summary(runs[name], "wall_s")
        steps = {s: statistics.median(r["steps_s"].get(s, 0.0) for r in runs[name]) for s in STEPS}
        rows.append(
            {
                "run": label,
                "runs": len(runs[name]),
                "median s": f"{med:.1f}",
                "min-max s": f"{lo:.1f}-{hi:.1f}",
                **{s: f"{v:.1f}" for s, v in steps.items()},
                "peak MiB": f"{statistics.median(r['peak_mib'] for r in runs[name]):.0f}",
            }
        )
    print(table(rows))
    ratio = statistics.median(
        b["wall_s"] / n["wall_s"] for b, n in zip(runs["baseline_short"], runs["new_short"], strict=True)
    )
    year = runs["new_year"]
    checks = statistics.median(
        sum(v for k, v in r["steps_s"].items() if k.endswith("checks")) / r["wall_s"] for r in year
    )
    print(f"\nbaseline / selection on {BASELINE_DAYS} days: {ratio:.1f}x (median of the rounds' ratios)")
    print(
        f"checks' share of the year run: {checks:.0%}; "
        f"1-minute load {load[0]:.2f} before, {load[1]:.2f} after"
    )
    payload = {
        "runs": runs,
        "ratio_short": ratio,
        "checks_share_year": checks,
        "load": load,
        "days": DAYS,
        "baseline_days": BASELINE_DAYS,
        "baseline_commit": BASELINE_COMMIT,
    }
    save("ml_year", payload)
    return payload


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:
        print(json.dumps(run_job(*sys.argv[2:5])))
    else:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))
