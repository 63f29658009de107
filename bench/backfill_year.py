"""A year of candles for 5 coins as one single-run backfill, beside one run per partition.

The simulator runs in its own process with its retention cap and weight budget lifted, so
this measures the pipeline's own cost; the weight the same requests would spend is converted
into the time the real 1200/minute budget would impose.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

from bench.common import env_for, peak_rss_mb, save, simulator_process, table

COINS = "BTC,ETH,SOL,BNB,ARB"
BASELINE_RUNS = 10


def _single_run(first: str, last: str, env: dict[str, str]) -> dict:
    import dagster as dg

    from hl_pipeline.commands.runs import load_definitions
    from hl_pipeline.exchange.shared import client_for
    from hl_pipeline.settings import Settings

    s = Settings.from_env(env)
    job = load_definitions(s).resolve_job_def("market_job")
    started = time.perf_counter()
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        asset_selection=[dg.AssetKey("candles")],
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
    )
    seconds = time.perf_counter() - started
    rows = sum(
        int(cast(int, m.metadata["dagster/row_count"].value))  # an IntMetadataValue
        for m in result.asset_materializations_for_node("candles")[:1]
    )
    stats = client_for(api_url=s.api_url, rate_limit=s.rate_limit, retained_candles=s.retained_candles).stats
    return {
        "seconds": seconds,
        "rows": rows,
        "weight": stats.weight,
        "requests": stats.requests,
        "success": result.success,
    }


def _per_partition_runs(dates: list[str], env: dict) -> float:
    """Wall time of `dagster asset materialize` for each date in a fresh process, as the default
    launcher does."""
    started = time.perf_counter()
    for date in dates:
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
    return time.perf_counter() - started


def main(work: Path) -> dict:
    """Backfill into `work`/lake (kept for the storage benchmark)."""
    today = dt.datetime.now(dt.UTC).date()
    last = today - dt.timedelta(days=1)
    first = last - dt.timedelta(days=364)
    with simulator_process("--no-retention", "--no-rate-limit") as url:
        env = env_for(
            url, work / "lake", work / "home", HL_COINS=COINS, HL_RATE_LIMIT="0", HL_RETAINED_CANDLES="0"
        )
        single = _single_run(first.isoformat(), last.isoformat(), env)
        peak = peak_rss_mb()
        sample = [(first + dt.timedelta(days=i)).isoformat() for i in range(BASELINE_RUNS)]
        baseline_env = dict(env, HL_LAKE_ROOT=str(work / "lake-baseline"))
        per_run = _per_partition_runs(sample, baseline_env) / BASELINE_RUNS
    extrapolated = per_run * 365
    budget_minutes = single["weight"] / 1200
    rows = [
        {
            "mode": "single run, 365 days x 5 coins",
            "wall s": f"{single['seconds']:.1f}",
            "rows": single["rows"],
            "rows/s": f"{single['rows'] / single['seconds']:,.0f}",
            "peak MiB": f"{peak:.0f}",
        },
        {
            "mode": f"run per partition ({BASELINE_RUNS} timed, x36.5)",
            "wall s": f"{extrapolated:.0f}",
            "rows": "same",
            "rows/s": f"{single['rows'] / extrapolated:,.0f}",
            "peak MiB": "-",
        },
    ]
    print(table(rows))
    print(f"\nspeed-up of the single run: {extrapolated / single['seconds']:.0f}x")
    print(
        f"requests {single['requests']}, weight {single['weight']}: under the real 1200/minute budget "
        f"the same backfill needs at least {budget_minutes:.0f} minutes"
    )
    payload = {
        "single": single,
        "peak_mib": peak,
        "per_partition_s": per_run,
        "extrapolated_s": extrapolated,
        "budget_minutes": budget_minutes,
        "range": [first.isoformat(), last.isoformat()],
    }
    save("backfill_year", payload)
    return payload
