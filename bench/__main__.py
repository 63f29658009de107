"""`make bench`: every benchmark in turn; tables on stdout, JSON in bench/results/."""

import shutil

from bench import (
    backfill_year,
    collector_throughput,
    day_checks,
    features_year,
    load_time,
    parquet_vs_csv,
    train_year,
    ui_run,
    ws_burst,
)
from bench.common import RESULTS


def main() -> None:
    work = RESULTS / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print("== code location load ==")
    load_time.main()
    print("\n== a year of candles, 5 coins ==")
    backfill_year.main(work)
    print("\n== Parquet vs gzip CSV (the year's 1m candles) ==")
    parquet_vs_csv.main(work / "lake")
    print("\n== collector throughput (simulator burst on loopback) ==")
    collector_throughput.main(work)
    print("\n== simulator trade replay on /ws (burst and paced) ==")
    ws_burst.main()
    print("\n== features and labels, a year of 1m bars, 5 coins ==")
    features_year.main(work)
    print("\n== one day's feature and label checks, vectorised against row by row ==")
    day_checks.main()
    print("\n== walk-forward training, one target, a year of 1m bars ==")
    train_year.main(work)
    print("\n== a one-day market run from the UI against the CLI ==")
    ui_run.main(work)


if __name__ == "__main__":
    main()
