"""Two collector shards against one: `hl-pipeline collect` processes against the simulator's burst
stream (trades and books as fast as loopback takes them) for the same coins, one process streaming
all of them, then two `--shard i/2` processes at once; rounds interleaved. Rows landed per second
(trade rows and book snapshots, read back from the landing files over each process's receive span)
and the machine's load. On a 2-core machine the simulator, both shards and their landing threads
share the cores, so this measures what sharding buys here, not on a bigger host."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.common import save, simulator_process, table

COINS = "BTC,ETH,SOL,BNB"  # two shards of two coins each
SECONDS = 10.0
ROUNDS = 4


def _collect(url: str, landing: Path, shard: str | None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "hl_pipeline.cli", "collect", "--coins", COINS, "--landing", str(landing)]
    cmd += ["--seconds", str(SECONDS), *(["--shard", shard] if shard else [])]
    env = dict(os.environ, HL_API_URL=url, HL_RATE_LIMIT="0")
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _landed(folder: Path) -> dict:
    """Trade rows and book snapshots landed in one collector folder, over its receive span."""
    trades = pa.concat_tables([pq.read_table(p) for p in (folder / "trades").glob("*/*.parquet")])
    books = pa.concat_tables(
        [
            pq.read_table(p, columns=["coin", "time", "receive_time"])
            for p in (folder / "l2Book").glob("*/*.parquet")
        ]
    )
    received = pa.chunked_array([trades["receive_time"].cast("int64"), books["receive_time"].cast("int64")])
    span = (pc.max(received).as_py() - pc.min(received).as_py()) / 1000
    snapshots = len(set(zip(books["coin"].to_pylist(), books["time"].cast("int64").to_pylist())))
    return {"trades": trades.num_rows, "books": snapshots, "span_s": span}


def _run(url: str, landing: Path, shards: int) -> dict:
    procs = [_collect(url, landing, f"{i}/{shards}" if shards > 1 else None) for i in range(shards)]
    for proc in procs:
        _, err = proc.communicate(timeout=SECONDS + 120)
        if proc.returncode:
            raise RuntimeError(f"collector failed: {err.decode()[-2000:]}")
    folders = [landing / f"shard-{i}-of-{shards}" for i in range(shards)] if shards > 1 else [landing]
    parts = [_landed(f) for f in folders]
    rate = sum((p["trades"] + p["books"]) / p["span_s"] for p in parts)  # the shards ran at once
    return {
        "shards": shards,
        "rows_per_s": round(rate),
        "trades": sum(p["trades"] for p in parts),
        "books": sum(p["books"] for p in parts),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def main(work: Path) -> dict:
    load_before = os.getloadavg()[0]
    runs = []
    with simulator_process("--ws-stream-rate", "burst", "--ws-book-ms", "50", "--no-rate-limit") as url:
        for i in range(ROUNDS):
            for shards in (1, 2) if i % 2 == 0 else (2, 1):
                runs.append({"round": i + 1, **_run(url, work / f"shards-{i}-{shards}", shards)})
    print(table(runs))
    one = [r["rows_per_s"] for r in runs if r["shards"] == 1]
    two = [r["rows_per_s"] for r in runs if r["shards"] == 2]
    ratio = round(statistics.median(two) / statistics.median(one), 2)
    print(
        f"\nrows landed/s, median over {ROUNDS} rounds: one collector {statistics.median(one):,.0f} "
        f"(min-max {min(one):,}-{max(one):,}), two shards {statistics.median(two):,.0f} "
        f"(min-max {min(two):,}-{max(two):,}); two / one {ratio}; 1-min load {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after; {os.cpu_count()} cores"
    )
    result = {
        "coins": COINS,
        "seconds": SECONDS,
        "runs": runs,
        "two_over_one": ratio,
        "load_before": load_before,
    }
    save("collector_shards", result)
    return result


if __name__ == "__main__":
    import tempfile

    main(Path(tempfile.mkdtemp()))
