"""The lake's Parquet encoding against gzip CSV for the same candle rows: bytes per row, write
and read time (best of three; one try for the slow CSV writes), through pyarrow (the fastest
CSV route) and through pandas."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import save, table


def _timed(fn, repeats: int = 3) -> float:
    """Best wall time of `repeats` calls (one for the slow CSV writes)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def compare(rows) -> dict:
    """`rows`: an Arrow table in the lake's candle schema."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from hl_pipeline.lake.writer import parquet_options

    frame = rows.to_pandas()
    n = rows.num_rows
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        pq_path, csv_path = Path(tmp) / "c.parquet", Path(tmp) / "c.csv.gz"

        def write_csv_arrow():
            with pa.CompressedOutputStream(str(csv_path), "gzip") as sink:
                pacsv.write_csv(rows, sink)

        timings = {
            ("Parquet (lake encoding)", "pyarrow"): (
                _timed(lambda: pq.write_table(rows, pq_path, **parquet_options(rows.schema))),
                _timed(lambda: pq.read_table(pq_path)),
                pq_path,
            ),
            ("gzip CSV", "pyarrow"): (
                _timed(write_csv_arrow, 1),
                _timed(lambda: pacsv.read_csv(csv_path)),
                csv_path,
            ),
            ("Parquet (lake encoding)", "pandas"): (
                _timed(lambda: frame.to_parquet(pq_path, index=False, **parquet_options(rows.schema))),
                _timed(lambda: pd.read_parquet(pq_path)),
                pq_path,
            ),
            ("gzip CSV", "pandas"): (
                _timed(lambda: frame.to_csv(csv_path, compression="gzip", index=False), 1),
                _timed(lambda: pd.read_csv(csv_path)),
                csv_path,
            ),
        }
        for (fmt, via), (w, r, path) in timings.items():
            out.append(
                {
                    "format": fmt,
                    "via": via,
                    "bytes/row": f"{path.stat().st_size / n:.1f}",
                    "write s": f"{w:.2f}",
                    "read s": f"{r:.2f}",
                }
            )
    print(table(out))
    ratios = {
        via: {
            "write": timings[("gzip CSV", via)][0] / timings[("Parquet (lake encoding)", via)][0],
            "read": timings[("gzip CSV", via)][1] / timings[("Parquet (lake encoding)", via)][1],
        }
        for via in ("pyarrow", "pandas")
    }
    for via, ratio in ratios.items():
        print(
            f"{via}: Parquet writes {ratio['write']:.0f}x faster and reads {ratio['read']:.0f}x faster "
            "than gzip CSV"
        )
    print(f"({n:,} rows)")
    payload = {"rows": n, "table": out, "ratios": ratios}
    save("parquet_vs_csv", payload)
    return payload


def main(lake_root: Path) -> dict:
    """Compare on the 1m candles the year backfill wrote to `lake_root`."""
    from hl_pipeline.lake.reader import read_range

    coins = sorted(p.name.split("=", 1)[1] for p in (lake_root / "candles").iterdir())
    dates = sorted(p.name.split("=", 1)[1] for p in (lake_root / "candles" / f"coin={coins[0]}").iterdir())
    import pyarrow.compute as pc

    rows = read_range(lake_root, "candles", dates, coins)
    return compare(rows.filter(pc.and_(pc.equal(rows["interval"], "1m"), pc.equal(rows["source"], "api"))))
