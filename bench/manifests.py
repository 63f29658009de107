"""The `manifests` catalog on a simulated 200-coin year (about 650,000 partition files): the view
every earlier catalog had (all footers read at each query) against the table refreshed with the lake.

The lake: COINS x DAYS partitions of each of 9 datasets, every file one row of its dataset's schema
with a manifest in its footer (so a footer is as wide as the dataset's; see `_template`), written
once into the work folder and kept for reruns (not timed). Timed: the same query (`rows` and
partitions per dataset) on the view and on the table; the table built from no catalog (every
footer read once); an incremental refresh after one more day is written (1,800 new files), from
the previous catalog; the whole catalog (`publish_catalog`: a view per dataset, the table, `gaps`)
built from none, then twice again from the one before.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from bench.common import save, table

T = TypeVar("T")
START = dt.date(2025, 1, 1)
COINS = 200
HASH = "feedfacefeedface"  # the template's content hash, replaced in every copy
DAYS = int(os.environ.get("BENCH_MANIFEST_DAYS", "365"))
RUNS = 3
VIEW_RUNS = 2  # each reads every footer
DATASETS = (
    "candles",
    "funding",
    "asset_contexts",
    "trades",
    "book_snapshots",
    "features",
    "labels",
    "predictions",
    "market_anomalies",
)
QUERY = "SELECT dataset, count(*) AS partitions, sum(rows) AS rows FROM manifests GROUP BY dataset"


def _one_row(dataset: str) -> pa.Table:
    from hl_pipeline.lake.schemas import SCHEMAS

    schema = pa.schema([f for f in SCHEMAS[dataset] if f.name != "coin"])
    return pa.table({f.name: pa.nulls(1, f.type) for f in schema})


def _template(dataset: str) -> bytes:
    """One partition file of `dataset` (one row of its schema) whose manifest names coin C000, day
    2025-01-01 and hash HASH. Every other file is this one with those three patched in at equal
    length in the footer's key-value manifest, the one DuckDB reads (pyarrow would still read the
    template's from the ARROW:schema copy), so writing 650,000 files takes about a minute rather
    than the 18 pq.write_table would."""
    import io

    from hl_pipeline.lake.manifest import MANIFEST_KEY, Manifest
    from hl_pipeline.lake.writer import parquet_options

    date = START.isoformat()
    manifest = Manifest(
        dataset, date, "C000", 1, f"{date}T00:00:00+00:00", f"{date}T23:59:00+00:00", 0, "bench",
        f"{date}T23:59:30+00:00", "bench", content_hash=HASH,
        gaps=[{"interval": "1m", "source": "api", "start": f"{date}T03:00:00Z", "end": f"{date}T03:02:00Z",
               "bars": 2}],
    )  # fmt: skip
    rows = _one_row(dataset).replace_schema_metadata({MANIFEST_KEY: manifest.to_json().encode()})
    out = io.BytesIO()
    pq.write_table(rows, out, **parquet_options(rows.schema))
    return out.getvalue()


def build_lake(root: Path, days: int, first_day: int = 0) -> int:
    """Write COINS x `days` partitions of every dataset from day `first_day`; returns files written."""
    from hl_pipeline.lake.paths import partition_file

    written = 0
    for dataset in DATASETS:
        template = _template(dataset)
        for d in range(first_day, first_day + days):
            date = (START + dt.timedelta(days=d)).isoformat()
            dated = template.replace(START.isoformat().encode(), date.encode())
            for c in range(COINS):
                path = partition_file(root, dataset, date, f"C{c:03d}")
                path.parent.mkdir(parents=True, exist_ok=True)
                body = dated.replace(b"C000", f"C{c:03d}".encode()).replace(
                    HASH.encode(), f"{written:016x}".encode()
                )
                path.write_bytes(body)
                written += 1
    return written


def _view_sql(root: Path) -> str:
    """The `manifests` view of the catalog before the table (b54c155), over this lake."""
    from hl_pipeline.lake.manifest import MANIFEST_KEY

    glob = str(root / "**" / "*.parquet")
    return (
        "CREATE OR REPLACE VIEW manifests AS "
        "SELECT m.manifest->>'dataset' AS dataset, m.manifest->>'coin' AS coin, "
        "CAST(m.manifest->>'date' AS DATE) AS date, CAST(m.manifest->>'rows' AS BIGINT) AS rows, "
        "m.manifest, m.file_name "
        f"FROM (SELECT file_name, CAST(decode(value) AS JSON) AS manifest FROM parquet_kv_metadata('{glob}') "
        f"WHERE decode(key) = '{MANIFEST_KEY.decode()}') AS m"
    )


def _remove_day(root: Path, day: int) -> None:
    date = (START + dt.timedelta(days=day)).isoformat()
    for dataset in DATASETS:
        for folder in (root / dataset).glob(f"coin=*/date={date}"):
            shutil.rmtree(folder)


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def _spread(values: list[float]) -> tuple[str, str]:
    return f"{statistics.median(values):.3f}", f"{min(values):.3f}-{max(values):.3f}"


def main(work: Path) -> dict:
    import duckdb

    from hl_pipeline.warehouse.manifest_table import refresh_manifests

    lake = work / "manifest_lake"
    marker = lake / ".built.json"
    if not marker.exists() or json.loads(marker.read_text()) != {"coins": COINS, "days": DAYS}:
        shutil.rmtree(lake, ignore_errors=True)
        seconds, files = _timed(lambda: build_lake(lake, DAYS))
        print(f"wrote {files:,} partition files in {seconds:.0f} s", flush=True)
        marker.write_text(json.dumps({"coins": COINS, "days": DAYS}))
    load = [os.getloadavg()[0]]
    results: dict[str, list[float]] = {
        "view query": [],
        "table query": [],
        "full build": [],
        "refresh": [],
        "catalog, first": [],
        "catalog, again": [],
    }
    answers = []
    for _ in range(VIEW_RUNS):
        with duckdb.connect() as conn:
            conn.execute(_view_sql(lake))
            seconds, rows = _timed(lambda: conn.execute(QUERY).fetchall())
        results["view query"].append(seconds)
        answers.append(sorted(rows))
        print(f"view query {seconds:.1f} s", flush=True)
    catalog = work / "manifests.duckdb"
    extra_day = DAYS + 1000  # a day no run above wrote
    for r in range(RUNS):
        catalog.unlink(missing_ok=True)
        with duckdb.connect(str(catalog)) as conn:
            seconds, _ = _timed(lambda: refresh_manifests(conn, lake))
            results["full build"].append(seconds)
            seconds, rows = _timed(lambda: conn.execute(QUERY).fetchall())
            results["table query"].append(seconds)
            answers.append(sorted(rows))
        added = build_lake(lake, 1, first_day=extra_day + r)
        fresh = work / "manifests-next.duckdb"
        fresh.unlink(missing_ok=True)
        with duckdb.connect(str(fresh)) as conn:
            seconds, refreshed = _timed(lambda: refresh_manifests(conn, lake, catalog))
        results["refresh"].append(seconds)
        assert refreshed["read"] == added, refreshed
        _remove_day(lake, extra_day + r)  # leave the lake as built
        print(f"round {r + 1}: build {results['full build'][-1]:.1f} s, refresh {seconds:.2f} s", flush=True)
    from hl_pipeline.warehouse.catalog import publish_catalog

    warehouse = work / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    for r in range(
        RUNS
    ):  # the whole catalog: a view per dataset, the table, gaps; after the first, incremental
        seconds, views = _timed(lambda: publish_catalog(warehouse, lake))
        results["catalog, first" if r == 0 else "catalog, again"].append(seconds)
        print(f"catalog {seconds:.1f} s: {views['manifests']:,} manifests", flush=True)
    load.append(os.getloadavg()[0])
    same = all(a == answers[0] for a in answers[: VIEW_RUNS + 1])
    files = sum(int(r[1]) for r in answers[0])
    lines = []
    for name, values in results.items():
        med, spread = _spread(values)
        lines.append({"step": name, "runs": len(values), "median s": med, "min-max s": spread})
    print(table(lines))
    print(
        f"{files:,} files; the view and the table answer alike: {same}; load {load[0]:.2f} -> {load[1]:.2f}"
    )
    payload = {"files": files, "same_answer": same, "load": load, "results": results, "rows": lines}
    save("manifests", payload)
    return payload
