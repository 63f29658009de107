"""Landing files: journaled every second, rotated to Parquet, recovered after a crash."""

import os
import signal
import subprocess
import sys
import textwrap

import pyarrow.parquet as pq

from hl_pipeline.collector.landing import LandingWriter
from hl_pipeline.lake.schemas import TRADES

T0 = 1_709_296_200_000


def trade(i: int) -> tuple:
    return ("BTC", T0 + i, 100.0 + i, 1.0, "B", i, "0x0", "0xa", "0xb", T0 + i + 5)


def add(writer: LandingWriter, start: int, stop: int) -> None:
    """Rows start..stop-1 as one message."""
    writer.add([trade(i) for i in range(start, stop)], T0 + start + 5)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _rows(paths):
    return sum(pq.read_metadata(p).num_rows for p in paths)


def test_rows_are_rotated_into_parquet_by_age_and_size(tmp_path):
    clock = Clock()
    w = LandingWriter(
        tmp_path, "trades", TRADES, flush_seconds=1, rotate_seconds=10, rotate_rows=50, clock=clock
    )
    add(w, 0, 30)
    w.tick()
    assert w.files_written == []  # buffered, not yet due
    clock.now = 1.0
    add(w, 30, 60)
    w.tick()  # flush: 60 rows journaled -> over rotate_rows
    assert len(w.files_written) == 1 and _rows(w.files_written) == 60
    add(w, 60, 61)
    clock.now = 12.0
    w.tick()
    clock.now = 23.0
    w.tick()
    assert _rows(w.files_written) == 61
    assert [p.parent.name for p in w.files_written] == ["2024-03-01", "2024-03-01"]
    assert w.files_written[0].name == f"{T0 + 5}-{T0 + 59 + 5}.parquet"
    assert not list(tmp_path.glob("trades/.journal-*"))


def test_a_killed_collector_loses_at_most_the_unflushed_second(tmp_path):
    script = textwrap.dedent(f"""
        import os, signal, pathlib
        from hl_pipeline.collector.landing import LandingWriter
        from hl_pipeline.lake.schemas import TRADES
        from hl_pipeline_tests.collector.test_landing import add, Clock
        clock = Clock()
        w = LandingWriter(pathlib.Path({str(tmp_path)!r}), "trades", TRADES, flush_seconds=1, clock=clock)
        add(w, 0, 100)
        clock.now = 1.0
        add(w, 100, 150)
        w.tick()           # flushed: 150 rows durable
        add(w, 150, 170)   # buffered only: lost in the crash
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd())
    assert proc.returncode == -signal.SIGKILL
    assert len(list(tmp_path.glob("trades/.journal-*.arrow"))) == 1
    restarted = LandingWriter(tmp_path, "trades", TRADES)
    assert len(restarted.recovered) == 1
    table = pq.read_table(restarted.recovered[0])
    assert table.column("tid").to_pylist() == list(range(150))
    assert not list(tmp_path.glob("trades/.journal-*.arrow"))


def test_a_torn_journal_tail_is_dropped_and_whole_batches_kept(tmp_path):
    import pyarrow as pa

    from hl_pipeline.collector.journal import Journal, recover

    path = tmp_path / "j.arrow"
    journal = Journal(path, TRADES)
    for start in (0, 10):
        rows = [dict(zip(TRADES.names, trade(i))) for i in range(start, start + 10)]
        journal.append(pa.RecordBatch.from_pylist(rows, schema=TRADES))
    journal.flush()
    with open(path, "ab") as fh:
        fh.write(b"\xff\xff\xff\xff\x10\x00\x00\x00partial")  # a batch cut off mid-write
    table, torn = recover(path, TRADES)
    assert torn and table.num_rows == 20


def test_receive_to_durable_latency_is_counted_per_message(tmp_path):
    clock = Clock()
    w = LandingWriter(tmp_path, "trades", TRADES, flush_seconds=1, clock=clock)
    for i in range(10):
        add(w, i, i + 1)
    add(w, 10, 12)  # one message of two trades
    w.flush()
    assert w.latency.messages == 11
    p50, p99 = w.latency.quantile(0.5), w.latency.quantile(0.99)
    assert p50 is not None and p99 is not None
    assert 0 <= p50 <= p99


def test_with_a_publisher_every_row_is_durable_and_in_parquet_after_close(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    clock = Clock()
    with ThreadPoolExecutor(2) as pool:
        w = LandingWriter(
            tmp_path, "trades", TRADES, flush_seconds=1, rotate_rows=50, clock=clock, publisher=pool
        )
        for start in range(0, 200, 20):
            add(w, start, start + 20)
            clock.now += 1.0
            w.tick()  # a flush each time, a rotation every third
        w.close()
    assert len(w.files_written) >= 3 and not list(tmp_path.glob("trades/.journal-*"))
    tids = sorted(t for p in w.files_written for t in pq.read_table(p, columns=["tid"])["tid"].to_pylist())
    assert tids == list(range(200))
    assert w.latency.messages == 10


def test_a_conversion_that_failed_on_the_publisher_is_raised(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    import pytest

    from hl_pipeline.collector import landing

    def fail(table, path):
        raise OSError("disk full")

    monkeypatch.setattr(landing, "write_parquet_atomically", fail)
    with ThreadPoolExecutor(2) as pool:
        w = LandingWriter(tmp_path, "trades", TRADES, publisher=pool)
        add(w, 0, 10)
        with pytest.raises(OSError, match="disk full"):
            w.close()
    assert len(list(tmp_path.glob("trades/.journal-*"))) == 1  # the rows stay in the journal
