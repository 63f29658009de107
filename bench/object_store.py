"""The lake on object storage against the lake in a folder, through the same functions: write a month
of 1m candles for 5 coins (155 partitions of 1,440 rows), read it back in one `read_range`, and
publish the catalog over it. The S3 server is moto on loopback, itself a Python process on this
machine, so its figures are an upper bound for the client's own cost, not a forecast for AWS.
Each phase RUNS times per lake, medians and spreads; the ratio is S3 over the folder."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import save, table

COINS = ("BTC", "ETH", "SOL", "ARB", "DOGE")
DAYS = 31
RUNS = 3
DAY0_MS = 1_704_067_200_000  # 2024-01-01T00:00Z


def _month() -> dict[tuple[str, str], tuple[Any, Any]]:
    """(coin, day) -> a day of 1m candles with its manifest, built once (not timed)."""
    import numpy as np
    import pyarrow as pa

    from hl_pipeline.lake.calendar import days_between
    from hl_pipeline.lake.manifest import Manifest
    from hl_pipeline.lake.schemas import CANDLES

    out: dict[tuple[str, str], tuple[Any, Any]] = {}
    rng = np.random.default_rng(1)
    for i, day in enumerate(days_between("2024-01-01", "2024-01-31")):
        t = DAY0_MS + i * 86_400_000 + np.arange(1440, dtype=np.int64) * 60_000
        for coin in COINS:
            close = 100 * np.exp(np.cumsum(rng.normal(0, 1e-3, 1440)))
            table = pa.table(
                {
                    "coin": [coin] * 1440,
                    "interval": ["1m"] * 1440,
                    "source": ["api"] * 1440,
                    "time": t,
                    "close_time": t + 59_999,
                    "open": close,
                    "high": close * 1.001,
                    "low": close * 0.999,
                    "close": close,
                    "volume": rng.exponential(2.0, 1440),
                    "trades": rng.integers(1, 50, 1440),
                    "ingest_time": t,
                }
            ).cast(CANDLES)
            out[(coin, day)] = (table, Manifest.for_table("candles", day, coin, table, "bench"))
    return out


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _phases(root: Any, database: Path, month: dict) -> dict[str, float]:
    from hl_pipeline.lake.calendar import days_between
    from hl_pipeline.lake.reader import read_range
    from hl_pipeline.lake.writer import write_partition
    from hl_pipeline.warehouse.catalog import publish_catalog

    def write() -> None:
        for rows_of_day, manifest in month.values():
            write_partition(root, rows_of_day, manifest)

    days = days_between("2024-01-01", "2024-01-31")
    rows = {}

    def read() -> None:
        rows["read"] = read_range(root, "candles", days, COINS).num_rows

    database.unlink(missing_ok=True)
    seconds = {
        "write": _timed(write),
        "read": _timed(read),
        "catalog": _timed(lambda: publish_catalog(database, root)),
    }
    assert rows["read"] == len(month) * 1440, rows
    return seconds


def main(work: Path) -> dict:
    import s3fs

    from hl_pipeline.lake.storage import lake_location
    from hl_pipeline_tests.s3_server import CREDENTIALS, moto_s3

    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    month = _month()
    results: dict[str, dict[str, list[float]]] = {"folder": {}, "s3": {}}
    with moto_s3("lake") as endpoint:
        os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_DEFAULT_REGION="us-east-1", **CREDENTIALS)
        s3fs.S3FileSystem.clear_instance_cache()
        for run in range(RUNS):
            for name, root in (
                ("folder", work / "object_store" / "lake"),
                ("s3", lake_location("s3://lake/bench")),
            ):
                for phase, seconds in _phases(root, work / "object_store" / f"{name}.duckdb", month).items():
                    results[name].setdefault(phase, []).append(seconds)
            print(
                f"run {run + 1}: "
                + ", ".join(
                    f"{n} {r['write'][-1]:.2f}/{r['read'][-1]:.2f}/{r['catalog'][-1]:.2f} s"
                    for n, r in results.items()
                ),
                flush=True,
            )
    rows = []
    for phase in ("write", "read", "catalog"):
        folder, s3 = (statistics.median(results[n][phase]) for n in ("folder", "s3"))
        rows.append(
            {
                "phase (155 partitions)": phase,
                "folder median s": f"{folder:.2f}",
                "folder spread": f"{min(results['folder'][phase]):.2f}-{max(results['folder'][phase]):.2f}",
                "S3 (moto) median s": f"{s3:.2f}",
                "S3 spread": f"{min(results['s3'][phase]):.2f}-{max(results['s3'][phase]):.2f}",
                "S3 / folder": f"{s3 / folder:.1f}x",
            }
        )
    print(table(rows))
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    save("object_store", {"runs": RUNS, "partitions": len(month), "seconds": results})
    return results


if __name__ == "__main__":
    main(Path("bench/results/work"))
