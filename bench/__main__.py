"""`make bench`: every benchmark in turn; tables on stdout, JSON in bench/results/."""

import shutil

from bench import backfill_year, load_time, parquet_vs_csv
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


if __name__ == "__main__":
    main()
