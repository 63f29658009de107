"""Landing files: rows are journaled every `flush_seconds` (so a crash loses at most that much)
and rotated into immutable Parquet files by age and size.

Layout: `<root>/<channel>/<YYYY-MM-DD>/<first_ms>-<last_ms>.parquet`, named by the receive
times they span; a journal in progress is the hidden `.journal-<first_ms>.arrow` beside them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.collector.journal import Journal, recover
from hl_pipeline.collector.latency import Latency
from hl_pipeline.lake.calendar import date_of_ms
from hl_pipeline.lake.writer import write_parquet_atomically

JOURNAL_GLOB = ".journal-*.arrow"


class LandingWriter:
    """One channel's landing zone (e.g. "trades", "l2Book", "gaps")."""

    def __init__(
        self,
        root: Path,
        channel: str,
        schema: pa.Schema,
        *,
        flush_seconds: float = 1.0,
        rotate_seconds: float = 60.0,
        rotate_rows: int = 500_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.directory = root / channel
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        # the first tz-aware Arrow array imports pandas (~1 s): do it now, not in the first flush
        schema.empty_table()
        self.flush_seconds, self.rotate_seconds, self.rotate_rows = flush_seconds, rotate_seconds, rotate_rows
        self._clock = clock
        self._pending: list[tuple] = []
        self._received: list[int] = []  # receive ms of each buffered message
        self.latency = Latency()
        self._journal: Journal | None = None
        self._journal_opened = self._last_flush = clock()
        self.files_written: list[Path] = []
        self.recovered = self._recover()

    def add(self, rows: list[tuple], receive_ms: int) -> None:
        """Buffer one message's rows (tuples in schema order); journal and rotate when due."""
        if rows:
            self._pending += rows
            self._received.append(receive_ms)
        self.tick()

    def tick(self) -> None:
        """Flush and rotate on time even when no rows arrive."""
        now = self._clock()
        if now - self._last_flush >= self.flush_seconds:
            self.flush()
        if self._journal and (
            now - self._journal_opened >= self.rotate_seconds or self._journal.rows >= self.rotate_rows
        ):
            self.rotate()

    def flush(self) -> None:
        """Make every buffered row durable in the journal."""
        self._last_flush = self._clock()
        if not self._pending:
            return
        rows, received, self._pending, self._received = self._pending, self._received, [], []
        columns = zip(*rows)
        batch = pa.RecordBatch.from_arrays(
            [pa.array(c, type=f.type) for c, f in zip(columns, self.schema)], schema=self.schema
        )
        if self._journal is None:
            first = int(batch.column("receive_time").cast(pa.int64())[0].as_py())
            self._journal = Journal(self.directory / f".journal-{first}.arrow", self.schema)
            self._journal_opened = self._clock()
        self._journal.append(batch)
        self._journal.flush()
        self.latency.record(int(time.time() * 1000), received)

    def rotate(self) -> None:
        """Turn the journal into a landing Parquet file and start afresh."""
        self.flush()
        if self._journal is None:
            return
        journal, self._journal = self._journal, None
        journal.close()
        self._publish(journal.path)

    def close(self) -> None:
        self.rotate()

    def _publish(self, journal_path: Path) -> Path | None:
        table, _ = recover(journal_path, self.schema)
        path = None
        if table.num_rows:
            received = table.column("receive_time").cast(pa.int64())
            first, last = pc.min(received).as_py(), pc.max(received).as_py()
            path = self.directory / date_of_ms(first) / f"{first}-{last}.parquet"
            write_parquet_atomically(table, path)
            self.files_written.append(path)
        journal_path.unlink(missing_ok=True)
        return path

    def _recover(self) -> list[Path]:
        """Journals left by a crashed collector become landing files before anything new is written."""
        return [p for j in sorted(self.directory.glob(JOURNAL_GLOB)) if (p := self._publish(j))]
