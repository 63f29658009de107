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
SIGNAL_STRENGTH = 0.5  # the simulator plants a weak 1m momentum signal for the models to find
DEMO_TARGETS = "BTC_5m,ETH_5m,SOL_5m"  # models trained by the demo unless HL_MODEL_TARGETS says otherwise


def _summary_rows(database: Path) -> list[tuple[str, int]]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as conn:
        views = [
            r[0]
            for r in conn.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"
            ).fetchall()
        ]
        return [(v, conn.execute(f"SELECT count(*) FROM {v}").fetchone()[0]) for v in views]


def _order_flow_sources(past: list[str], config) -> None:
    """Archives for the past days (as the S3 buckets would hold them), and today from the collector."""
    from hl_pipeline.commands.collect import collect
    from hl_pipeline.simulator.archives import write_archives

    flow = settings.order_flow_config()
    coins = settings.parse_coins(settings.env("HL_COINS", settings.DEFAULT_COINS))
    books, fills = Path(flow["book_archive"]), Path(flow["fills_archive"])
    if past:
        print(f"writing simulated S3 archives for {past[0]}..{past[-1]} under {books.parent}", flush=True)
        write_archives(
            config,
            books.parent,
            past,
            coins,
            progress=lambda m: print(m, flush=True),
            book_dir=books,
            fills_dir=fills,
        )
    print(f"collecting trades and books for {COLLECT_SECONDS:g} s into {flow['landing_root']}", flush=True)
    collect(None, flow["landing_root"], COLLECT_SECONDS)


def demo(days: int = 3, seed: int = 42) -> int:
    from hl_pipeline.commands.runs import check_summary, run_market_range, run_warehouse
    from hl_pipeline.simulator.config import SimulatorConfig
    from hl_pipeline.simulator.server import running_simulator

    if days < 1:
        raise ValueError(f"bad --days {days}: at least 1")
    started = time.monotonic()
    today = dt.datetime.now(dt.UTC).date()
    first = (today - dt.timedelta(days=days - 1)).isoformat()
    past = [(today - dt.timedelta(days=k)).isoformat() for k in range(days - 1, 0, -1)]
    os.environ.setdefault("HL_MODEL_TARGETS", DEMO_TARGETS)
    config = SimulatorConfig(seed=seed, signal_strength=SIGNAL_STRENGTH)
    with running_simulator(config, host="127.0.0.1", port=0) as sim:
        os.environ["HL_API_URL"] = sim.base_url
        print(
            f"simulator listening on {sim.base_url} (seed {seed}, signal strength {SIGNAL_STRENGTH})",
            flush=True,
        )
        print(
            f"materializing universe, candles, funding and their checks for {first}..{today} in one run",
            flush=True,
        )
        results = {"market": run_market_range(first, today.isoformat())}
        _order_flow_sources(past, config)
    for name, job, what in (
        ("order flow", "order_flow_job", "trades, book_snapshots"),
        ("ml data", "ml_data_job", "features, labels, training sets"),
    ):
        print(f"materializing {what} and their checks for {first}..{today} in one run", flush=True)
        results[name] = run_market_range(first, today.isoformat(), job_name=job)
    results.update(_models(today.isoformat(), first))
    warehouse = run_warehouse()
    counts = [check_summary(r) for r in results.values()]
    passed, failed = sum(c[0] for c in counts), sum(c[1] for c in counts)
    failures = [f for c in counts for f in c[2]]
    lake = Path(settings.env("HL_LAKE_ROOT", "data/lake")).resolve()
    database = Path(settings.env("HL_WAREHOUSE", "data/warehouse.duckdb")).resolve()

    print("\n== hl_pipeline demo ==")
    runs = ", ".join(f"{name} {'succeeded' if r.success else 'FAILED'}" for name, r in results.items())
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
    _model_summary()
    print(
        "UI:        make dev, then open http://127.0.0.1:3000; MLflow: make mlflow, then http://127.0.0.1:5000"
    )
    print(f"took {time.monotonic() - started:.1f} s")
    return 0 if all(r.success for r in results.values()) and warehouse.success else 1


def _models(today: str, first: str) -> dict:
    """Today's training set, then every target trained, gated and backtested, then predictions."""
    from hl_pipeline.commands.runs import run_market_range, run_targets

    print(f"training set as of now, then models for {os.environ['HL_MODEL_TARGETS']}", flush=True)
    runs = {
        "training set": run_market_range(today, today, job_name="training_job"),
        "models": run_targets("models_job"),
    }
    runs["predictions"] = run_market_range(first, today, job_name="predictions_job")
    return runs


def _model_summary() -> None:
    """Each target's champion, its newest version's gate decision, and the backtest plot."""
    from hl_pipeline.ml.models.targets import TargetKey
    from hl_pipeline.registry.aliases import CHAMPION, newest_version, version_at
    from hl_pipeline.registry.tracking import Tracking

    registry = Tracking(root=Path(settings.models_config()["mlflow_root"]))
    for key in map(TargetKey.parse, settings.env("HL_MODEL_TARGETS", DEMO_TARGETS).split(",")):
        newest = newest_version(registry, key.model_name)
        champion = version_at(registry, key.model_name, CHAMPION)
        print(
            f"  {key.model_name:<12} v{newest.version}: {'promoted' if newest.tags.get('gate.promote') == 'True' else 'held'}"
            f" ({newest.tags.get('gate.reason')}); champion {f'v{champion.version}' if champion else 'none'}"
        )
    plots = sorted(
        (Path(settings.env("HL_LAKE_ROOT", "data/lake")).resolve().parent / "reports" / "backtest").glob(
            "*.png"
        )
    )
    print(f"backtests: {', '.join(str(p) for p in plots) or 'none (no champion)'}")
