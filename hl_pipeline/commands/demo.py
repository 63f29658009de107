"""`hl-pipeline demo` (what `make demo` runs): simulator on a free loopback port; simulated S3
archives for the past days and a short collector run for today; the market and order-flow jobs
for the last days; the DuckDB catalog; then a summary of what was made and where."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from hl_pipeline import settings

COLLECT_SECONDS = 8.0


def _summary_rows(database: Path) -> list[tuple[str, int]]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as conn:
        views = [r[0] for r in conn.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()]
        return [(v, conn.execute(f"SELECT count(*) FROM {v}").fetchone()[0]) for v in views]


def _order_flow_sources(past: list[str], seed: int) -> None:
    """Archives for the past days (as the S3 buckets would hold them), and today from the collector."""
    from hl_pipeline.commands.collect import collect
    from hl_pipeline.simulator.archives import write_archives
    from hl_pipeline.simulator.config import SimulatorConfig

    flow = settings.order_flow_config()
    coins = settings.parse_coins(settings.env("HL_COINS", settings.DEFAULT_COINS))
    books, fills = Path(flow["book_archive"]), Path(flow["fills_archive"])
    if past:
        print(f"writing simulated S3 archives for {past[0]}..{past[-1]} under {books.parent}", flush=True)
        write_archives(SimulatorConfig(seed=seed), books.parent, past, coins, progress=lambda m: print(m, flush=True),
                       book_dir=books, fills_dir=fills)
    print(f"collecting trades and books for {COLLECT_SECONDS:g} s into {flow['landing_root']}", flush=True)
    collect(None, flow["landing_root"], COLLECT_SECONDS)


def demo(days: int = 3, seed: int = 42) -> int:
    from hl_pipeline.commands.runs import check_summary, run_market_range, run_warehouse
    from hl_pipeline.simulator.config import SimulatorConfig
    from hl_pipeline.simulator.server import running_simulator

    if days < 1:
        raise ValueError(f"bad --days {days}: at least 1")
    started = time.monotonic()
    today = dt.datetime.now(dt.timezone.utc).date()
    first = (today - dt.timedelta(days=days - 1)).isoformat()
    past = [(today - dt.timedelta(days=k)).isoformat() for k in range(days - 1, 0, -1)]
    with running_simulator(SimulatorConfig(seed=seed), host="127.0.0.1", port=0) as sim:
        os.environ["HL_API_URL"] = sim.base_url
        print(f"simulator listening on {sim.base_url} (seed {seed})", flush=True)
        print(f"materializing universe, candles, funding and their checks for {first}..{today} in one run", flush=True)
        results = [run_market_range(first, today.isoformat())]
        _order_flow_sources(past, seed)
    print(f"materializing trades, book_snapshots and their checks for {first}..{today} in one run", flush=True)
    results.append(run_market_range(first, today.isoformat(), job_name="order_flow_job"))
    warehouse = run_warehouse()
    counts = [check_summary(r) for r in results]
    passed, failed = sum(c[0] for c in counts), sum(c[1] for c in counts)
    failures = [f for c in counts for f in c[2]]
    lake = Path(settings.env("HL_LAKE_ROOT", "data/lake")).resolve()
    database = Path(settings.env("HL_WAREHOUSE", "data/warehouse.duckdb")).resolve()

    print("\n== hl_pipeline demo ==")
    runs = ", ".join(f"{name} {'succeeded' if r.success else 'FAILED'}" for name, r in zip(("market", "order flow"), results))
    print(f"runs: {runs}; catalog: {'refreshed' if warehouse.success else 'FAILED'}")
    if database.exists():
        for view, rows in _summary_rows(database):
            print(f"  {view:<15} {rows:>9} rows")
    print(f"checks: {passed} passed, {failed} failed")
    for failure in failures[:10]:
        print(f"  failed: {failure}")
    print(f"lake:      {lake}")
    print(f"catalog:   {database}  (duckdb -readonly {database})")
    print(f"runs:      {os.environ.get('DAGSTER_HOME', '(temporary instance)')}")
    print("UI:        make dev, then open http://127.0.0.1:3000")
    print(f"took {time.monotonic() - started:.1f} s")
    return 0 if all(r.success for r in results) and warehouse.success else 1
