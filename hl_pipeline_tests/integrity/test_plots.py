"""Event plots on a small lake: a spoof or a volume spike gets its day plot and a book panel around it."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.steps.integrity import ingest_market_anomalies, ingest_spoofing
from hl_pipeline.steps.integrity_plots import BOOK_LEVELS, book_summary, event_plots
from hl_pipeline_tests.integrity.frames import DAY, book_levels

DATE = "2024-02-29"


def _write(root: Path, dataset: str, columns: dict) -> None:
    n = len(next(iter(columns.values())))
    table = pa.table({"coin": ["BTC"] * n, **columns, "receive_time": columns["time"]})
    table = table.select(SCHEMAS[dataset].names).cast(SCHEMAS[dataset])
    write_partition(root, table, Manifest.for_table(dataset, DATE, "BTC", table, "test"))


def test_a_spoof_gets_a_book_panel_beside_its_day_plot(tmp_path):
    times = [DAY + i * 600 for i in range(100)]
    books = book_levels(times, {t: (2, 150.0) for t in times[40:45]})
    _write(tmp_path, "book_snapshots", {c: books[c].tolist() for c in books.columns})
    _write(
        tmp_path,
        "trades",
        {
            "time": [DAY + 1_000, DAY + 50_000],
            "px": [100.0, 100.01],
            "sz": [1.0, 2.0],
            "side": ["B", "A"],
            "tid": [1, 2],
            "hash": ["0x1", "0x2"],
            "buyer": ["0xa", "0xb"],
            "seller": ["0xb", "0xa"],
        },
    )
    (manifest,) = ingest_spoofing(tmp_path, ["BTC"], DATE, lambda _: None)
    assert manifest.rows == 1
    plots = event_plots(tmp_path, "spoofing", [DATE], ["BTC"])
    assert set(plots[DATE]) == {"BTC", "BTC_book"}
    assert plots[DATE]["BTC_book"].name == f"BTC-{DATE}-book.png"
    assert plots[DATE]["BTC_book"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(event_plots(tmp_path, "market_anomalies", [DATE], ["BTC"])) == set()  # no events there


def test_a_volume_spike_gets_a_spread_and_depth_panel_only_when_the_day_has_books(tmp_path):
    rng = np.random.default_rng(4)
    volume = np.exp(rng.uniform(8, 10, 1440))
    volume[600:605] *= 25  # a 5-minute volume spike at 10:00
    px = 100.0 * np.exp(np.cumsum(rng.normal(0, 1e-3, 1440)))
    n = len(volume)
    _write(
        tmp_path,
        "trades",
        {
            "time": (DAY + np.arange(n) * MINUTE_MS + 30_000).tolist(),
            "px": px.tolist(),
            "sz": (volume / px).tolist(),
            "side": ["B"] * n,
            "tid": list(range(n)),
            "hash": [f"0x{i:x}" for i in range(n)],
            "buyer": ["0xa"] * n,
            "seller": ["0xb"] * n,
        },
    )
    manifests = ingest_market_anomalies(tmp_path, ["BTC"], DATE, DAY + 2 * DAY_MS, lambda _: None)
    assert [m.rows for m in manifests] == [1]
    assert event_plots(tmp_path, "market_anomalies", [DATE], ["BTC"])[DATE].keys() == {"BTC"}  # no books

    times = [DAY + 590 * MINUTE_MS + i * 3_000 for i in range(400)]  # 09:50 to 10:10, every 3 s
    books = book_levels(times, {})
    _write(tmp_path, "book_snapshots", {c: books[c].tolist() for c in books.columns})
    plots = event_plots(tmp_path, "market_anomalies", [DATE], ["BTC"])
    assert set(plots[DATE]) == {"BTC", "BTC_book"}
    assert plots[DATE]["BTC_book"].name == f"BTC-{DATE}-book.png"
    assert plots[DATE]["BTC_book"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    summary = book_summary(books.assign(time=books["time"].astype("datetime64[ms, UTC]")))
    assert len(summary) == 120  # 20 minutes of 10 s steps
    assert summary["spread_bps"].to_numpy() == pytest.approx(2.0)  # touch at 99.99 and 100.01
    bid = sum((100.0 - 0.01 * (level + 1)) * (10.0 + level % 3) for level in range(BOOK_LEVELS))
    assert summary["bid_usd"].to_numpy() == pytest.approx(bid)
