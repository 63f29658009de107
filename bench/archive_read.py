"""The S3 archive readers on one core: the real recorded hour of BTC l2Book (the fixture) and a
simulated day of node_fills_by_block for 5 coins, each read `RUNS` times; median and spread."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import save, table

RUNS = 5
L2_HOUR = (
    Path(__file__).parents[1].parent
    / "shared/fixtures/hyperliquid/s3_archive/market_data/20240101/12/l2Book/BTC.lz4"
)
COINS = ["BTC", "ETH", "SOL", "BNB", "ARB"]


def _runs(fn: Callable[[], object]) -> list[float]:
    out = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _row(what: str, items: int, unit: str, seconds: list[float]) -> dict:
    median = statistics.median(seconds)
    return {
        "read": what,
        "items": f"{items:,} {unit}",
        "runs": len(seconds),
        "median s": f"{median:.3f}",
        "spread s": f"{min(seconds):.3f}-{max(seconds):.3f}",
        "per second": f"{items / median:,.0f} {unit}",
    }


def main(work: Path | None = None) -> dict:
    import pyarrow as pa
    import pyarrow.compute as pc

    from hl_pipeline.exchange.archive import read_l2_snapshots, read_node_fills
    from hl_pipeline.simulator.archives import write_fills_archive
    from hl_pipeline.simulator.config import SimulatorConfig
    from hl_pipeline.simulator.market import Market

    load = os.getloadavg()[0]

    def books() -> pa.Table:
        with open(L2_HOUR, "rb") as fh:
            return read_l2_snapshots(fh, "BTC")

    snapshots = len(pc.unique(books().column("time")))

    with tempfile.TemporaryDirectory() as tmp:
        config = SimulatorConfig(seed=3, now_ms=1_709_296_200_000)
        fills = write_fills_archive(Market(config), Path(tmp), "2024-02-28", COINS)
        files = sorted(Path(tmp).rglob("*.lz4"))

        def node_fills() -> None:
            rows = 0
            for path in files:
                with open(path, "rb") as fh:
                    rows += read_node_fills(fh).num_rows
            assert rows == fills

        book_s, fill_s = _runs(books), _runs(node_fills)
    rows = [
        _row("l2Book, the recorded hour (BTC)", snapshots, "snapshots", book_s),
        _row(f"node_fills_by_block, a simulated day ({len(COINS)} coins)", fills, "fills", fill_s),
    ]
    print(f"1-minute load {load:.2f}")
    print(table(rows))
    payload = {"load_1m": load, "rows": rows, "book_s": book_s, "fill_s": fill_s}
    save("archive_read", payload)
    return payload
