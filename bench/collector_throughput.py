"""The collector against the simulator's burst stream (trades and books as fast as loopback takes
them): messages/s landed on one core, receive-to-durable latency, peak memory; beside it the
official SDK's WebsocketManager and a bare `websockets` client; and book bytes per snapshot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import lz4.frame
import pyarrow as pa
import pyarrow.parquet as pq

from bench.common import save, simulator_process, table
from hl_pipeline.exchange.archive.writer import L2Snapshot
from hl_pipeline.lake.schemas import BOOK_SNAPSHOTS
from hl_pipeline.lake.writer import write_parquet_atomically

COINS = "BTC,ETH,SOL,BNB,ARB"
SECONDS = 10.0
ARCHIVE = Path("/work/shared/fixtures/hyperliquid/s3_archive/market_data/20240101/12/l2Book/BTC.lz4")
TARGET_RATE, TARGET_P99_MS, TARGET_VS_SDK = 30_000, 1_000, 8


def _client(kind: str, url: str, *extra: str) -> dict:
    cmd = [sys.executable, "-m", "bench.collector_clients", kind, url, str(SECONDS), COINS, *extra]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=SECONDS + 120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _book_bytes(work: Path, landing: Path) -> dict:
    """Bytes per 20-level snapshot: the real archive sample (lz4 JSON lines) against the same
    snapshots in Parquet with the lake's encoding, and the collector's own landing files."""
    lines = lz4.frame.decompress(ARCHIVE.read_bytes()).splitlines()
    rows = [
        (s.coin, s.time, side, i, float(px), float(sz), n, s.time)
        for s in map(L2Snapshot.from_line, lines)
        for side, levels in (("bid", s.bids), ("ask", s.asks))
        for i, (px, sz, n) in enumerate(levels)
    ]
    columns = [pa.array(c, type=f.type) for c, f in zip(zip(*rows), BOOK_SNAPSHOTS)]
    path = work / "archive_books.parquet"
    write_parquet_atomically(pa.Table.from_arrays(columns, schema=BOOK_SNAPSHOTS), path)
    files = list((landing / "l2Book").glob("*/*.parquet"))
    snapshots = sum(
        len(set(zip(*pq.read_table(f, columns=["coin", "time"]).to_pydict().values()))) for f in files
    )
    return {
        "archive_snapshots": len(lines),
        "archive_lz4_bytes_per_snapshot": round(ARCHIVE.stat().st_size / len(lines), 1),
        "archive_as_parquet_bytes_per_snapshot": round(path.stat().st_size / len(lines), 1),
        "landing_snapshots": snapshots,
        "landing_parquet_bytes_per_snapshot": round(
            sum(f.stat().st_size for f in files) / max(snapshots, 1), 1
        ),
    }


def main(work: Path) -> dict:
    landing = work / "landing"
    with simulator_process("--ws-stream-rate", "burst", "--ws-book-ms", "50", "--no-rate-limit") as url:
        runs = {
            "collector": _client("collector", url, str(landing)),
            "bare": _client("bare", url),
            "sdk": _client("sdk", url),
        }
    for r in runs.values():  # what one fully busy core would do (process CPU includes start-up)
        r["per_cpu_second"] = round(r["messages"] / r["cpu_seconds"])
    c, sdk = runs["collector"], runs["sdk"]
    names = {
        "collector": "hl-pipeline collector (parse, dedupe, journal fsync, Parquet)",
        "bare": "bare websockets + json.loads",
        "sdk": "hyperliquid-python-sdk WebsocketManager",
    }
    rows = [
        {
            "client": names[k],
            "msgs/s (wall)": r["per_second"],
            "msgs per CPU-second": r["per_cpu_second"],
            "CPU s / wall s": f"{r['cpu_seconds']} / {r['seconds']}",
            "p50 receive-to-durable ms": r.get("p50_ms", "-"),
            "p99 ms": r.get("p99_ms", "-"),
            "peak RSS MB": r["peak_rss_mb"],
        }
        for k, r in runs.items()
    ]
    print(table(rows))
    books = _book_bytes(work, landing)
    print()
    print(table([{"book snapshot (20 levels/side)": k, "value": v} for k, v in books.items()]))
    vs_sdk = round(c["per_cpu_second"] / max(sdk["per_cpu_second"], 1), 1)
    targets = {
        "landed_per_cpu_second": c["per_cpu_second"] >= TARGET_RATE,
        "p99_under_1s": (c["p99_ms"] or 0) < TARGET_P99_MS,
        "vs_sdk": vs_sdk,
        "vs_sdk_at_least_8x": vs_sdk >= TARGET_VS_SDK,
    }
    print(f"\ncollector vs SDK (per CPU-second): {vs_sdk}x; targets: {targets}")
    result = {"seconds": SECONDS, "coins": COINS, "runs": runs, "books": books, "targets": targets}
    save("collector_throughput", result)
    return result


if __name__ == "__main__":
    import tempfile

    main(Path(tempfile.mkdtemp()))
