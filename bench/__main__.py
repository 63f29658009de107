"""`make bench`: every benchmark in turn (or `python -m bench NAME...`: those only); tables on
stdout, JSON in bench/results/."""

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from bench import (
    archive_read,
    backfill_year,
    collector_shards,
    collector_throughput,
    day_checks,
    features_year,
    integrity,
    load_time,
    maker_inventory,
    manifests,
    ml_year,
    model_gate,
    null_market,
    object_store,
    parquet_vs_csv,
    train_year,
    ui_run,
    venue_year,
    wallet_features,
    wallet_profiles,
    workers,
    ws_burst,
)
from bench.common import RESULTS

BENCHMARKS: list[tuple[str, str, Callable[[Path], object]]] = [
    ("load_time", "code location load", lambda work: load_time.main()),
    ("backfill_year", "a year of candles, 5 coins", backfill_year.main),
    (
        "parquet_vs_csv",
        "Parquet vs gzip CSV (the year's 1m candles)",
        lambda work: parquet_vs_csv.main(work / "lake"),
    ),
    ("collector_throughput", "collector throughput (simulator burst on loopback)", collector_throughput.main),
    (
        "collector_shards",
        "two collector shards against one (simulator burst on loopback)",
        collector_shards.main,
    ),
    ("ws_burst", "simulator trade replay on /ws (burst and paced)", lambda work: ws_burst.main()),
    ("features_year", "features and labels, a year of 1m bars, 5 coins", features_year.main),
    (
        "day_checks",
        "one day's feature and label checks, vectorised against row by row",
        lambda work: day_checks.main(),
    ),
    ("ml_year", "features, labels and training sets for a year through ml_data_job", ml_year.main),
    ("train_year", "walk-forward training, one target, a year of 1m bars", train_year.main),
    ("ui_run", "a one-day market run from the UI against the CLI", ui_run.main),
    ("null_market", "the simulator's null market and planted signal", lambda work: null_market.main()),
    ("maker_inventory", "market makers' hour-end inventory on the tape", lambda work: maker_inventory.main()),
    ("model_gate", "false promotions on the null, power on planted signals", lambda work: model_gate.main()),
    ("archive_read", "the S3 archive readers: an hour of l2Book, a day of node fills", archive_read.main),
    (
        "venue_year",
        "a year of 1m candles per venue through ccxt: real limits against lifted",
        venue_year.main,
    ),
    ("wallet_profiles", "wallet kinds against the simulator's truth", wallet_profiles.main),
    ("wallet_features", "a day's features with 0 to 5,000 tracked wallets' fills", wallet_features.main),
    ("workers", "a year of market data through Celery on 1 and on 2 workers", workers.main),
    ("manifests", "the manifests catalog on a simulated 200-coin year, view against table", manifests.main),
    (
        "object_store",
        "the lake on S3 (moto on loopback) against a folder: write, read, catalog",
        object_store.main,
    ),
    (
        "integrity",
        "integrity detectors against planted truth; null false alarms",
        lambda work: integrity.main(),
    ),
]


def main(names: list[str]) -> None:
    unknown = sorted(set(names) - {name for name, _, _ in BENCHMARKS})
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; choose from {[n for n, _, _ in BENCHMARKS]}")
    work = RESULTS / "work"
    chosen = [b for b in BENCHMARKS if not names or b[0] in names]
    if not names or "backfill_year" in names:  # parquet_vs_csv reads the lake backfill_year writes
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    for name, title, run in chosen:
        print(f"\n== {title} ({name}) ==", flush=True)
        run(work)


if __name__ == "__main__":
    main(sys.argv[1:])
