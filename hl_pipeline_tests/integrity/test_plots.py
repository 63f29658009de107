"""Event plots on a small lake: a spoof gets its day plot and a panel of the book around it."""

from pathlib import Path

import pyarrow as pa

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.steps.integrity import ingest_spoofing
from hl_pipeline.steps.integrity_plots import event_plots
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
