"""`hl-pipeline demo` (what `make demo` runs): simulator on a free loopback port, the market job
for the last days, the DuckDB catalog, then a summary of what was made and where."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from hl_pipeline import settings


def _summary_rows(database: Path) -> list[tuple[str, int]]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as conn:
        views = [r[0] for r in conn.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()]
        return [(v, conn.execute(f"SELECT count(*) FROM {v}").fetchone()[0]) for v in views]


def demo(days: int = 3, seed: int = 42) -> int:
    from hl_pipeline.commands.runs import check_summary, run_market_range, run_warehouse
    from hl_pipeline.simulator.config import SimulatorConfig
    from hl_pipeline.simulator.server import running_simulator

    if days < 1:
        raise ValueError(f"bad --days {days}: at least 1")
    started = time.monotonic()
    today = dt.datetime.now(dt.timezone.utc).date()
    first = (today - dt.timedelta(days=days - 1)).isoformat()
    with running_simulator(SimulatorConfig(seed=seed), host="127.0.0.1", port=0) as sim:
        os.environ["HL_API_URL"] = sim.base_url
        print(f"simulator listening on {sim.base_url} (seed {seed})", flush=True)
        print(f"materializing universe, candles, funding and their checks for {first}..{today} in one run", flush=True)
        result = run_market_range(first, today.isoformat())
    warehouse = run_warehouse()
    passed, failed, failures = check_summary(result)
    lake = Path(settings.env("HL_LAKE_ROOT", "data/lake")).resolve()
    database = Path(settings.env("HL_WAREHOUSE", "data/warehouse.duckdb")).resolve()

    print("\n== hl_pipeline demo ==")
    print(f"market run: {'succeeded' if result.success else 'FAILED'}; catalog: {'refreshed' if warehouse.success else 'FAILED'}")
    if database.exists():
        for view, rows in _summary_rows(database):
            print(f"  {view:<10} {rows:>9} rows")
    print(f"checks: {passed} passed, {failed} failed")
    for failure in failures[:10]:
        print(f"  failed: {failure}")
    print(f"lake:      {lake}")
    print(f"catalog:   {database}  (duckdb -readonly {database})")
    print(f"runs:      {os.environ.get('DAGSTER_HOME', '(temporary instance)')}")
    print("UI:        make dev, then open http://127.0.0.1:3000")
    print(f"took {time.monotonic() - started:.1f} s")
    return 0 if result.success and warehouse.success else 1
