"""Landing files: rows are journaled every `flush_seconds` (so a crash loses at most that much)
and rotated into immutable Parquet files by age and size.

Layout: `<root>/<channel>/<YYYY-MM-DD>/<first_ms>-<last_ms>.parquet`, named by the receive
times they span; a journal in progress is the hidden `.journal-<first_ms>.arrow` beside them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.collector.journal import Journal, recover
from hl_pipeline.collector.latency import Latency
from hl_pipeline.lake.calendar import date_of_ms
from hl_pipeline.lake.quarantine import quarantine
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
        rotate_rows: int = 100_000,  # bounds what a stop or a restart converts (about 0.1 s of work)
        clock: Callable[[], float] = time.monotonic,
        publisher: Executor | None = None,
    ):
        """`publisher` takes the fsyncs and the Parquet conversions off the caller's thread; with two
        threads an fsync does not wait for a conversion (None: both inline, so `flush` returns with
        the rows durable)."""
        self.directory = root / channel
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self._row_type = pa.struct(list(schema))
        # the first tz-aware Arrow array imports pandas (~1 s): do it now, not in the first flush
        schema.empty_table()
        self.flush_seconds, self.rotate_seconds, self.rotate_rows = flush_seconds, rotate_seconds, rotate_rows
        self._clock = clock
        self._publisher = publisher
        self._publishing: list[Future] = []  # every step not known to have succeeded yet
        self._syncs: list[Future] = []  # the journal's fsyncs, which its conversion waits for
        self._pending: list[tuple] = []
        self._received: list[int] = []  # receive ms of each buffered message
        self.latency = Latency()
        self._journal: Journal | None = None
        self._journal_opened = self._last_flush = clock()
        self.files_written: list[Path] = []
        self.bytes_journaled = 0  # appended to this writer's journals
        self.bytes_written = 0  # of the landing files published by this writer
        self._bytes_lock = threading.Lock()  # two publisher threads may publish at once
        self.recovered = self._recover()

    def add(self, rows: list[tuple], receive_ms: int) -> None:
        """Buffer one message's rows (tuples in schema order); `tick` journals and rotates them when due."""
        if rows:
            self._pending += rows
            self._received.append(receive_ms)

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
        """Make every buffered row durable in the journal (on the publisher's thread if there is one)."""
        self._last_flush = self._clock()
        if not self._pending:
            return
        rows, received, self._pending, self._received = self._pending, self._received, [], []
        # tuples to one struct array: about half the cost of transposing them into columns first
        batch = pa.RecordBatch.from_arrays(pa.array(rows, type=self._row_type).flatten(), schema=self.schema)
        if self._journal is None:
            first = int(batch.column("receive_time").cast(pa.int64())[0].as_py())
            self._journal = Journal(self.directory / f".journal-{first}.arrow", self.schema)
            self._journal_opened = self._clock()
        before = self._journal.size
        self._journal.append(batch)
        self._journal.write_out()
        self.bytes_journaled += self._journal.size - before
        if sync := self._run(self._sync, self._journal, received):
            self._syncs.append(sync)

    def rotate(self) -> None:
        """Turn the journal into a landing Parquet file and start afresh."""
        self.flush()
        if self._journal is not None:
            journal, self._journal, syncs, self._syncs = self._journal, None, self._syncs, []
            self._run(self._close_and_publish, journal, syncs)

    def close(self) -> None:
        """Rotate what is left and wait until every row is durable and every journal a Parquet file."""
        self.rotate()
        for future in self._publishing:
            future.result()
        self._publishing = []

    def _run(self, step: Callable[..., None], *args: object) -> Future | None:
        """`step(*args)` on the publisher (its future), else now."""
        if self._publisher is None:
            step(*args)
            return None
        running = []
        for future in self._publishing:
            if future.done():
                future.result()  # a failed fsync or rotation raises here, at the next step
            else:
                running.append(future)
        future = self._publisher.submit(step, *args)
        self._publishing = [*running, future]
        return future

    def _sync(self, journal: Journal, received: list[int]) -> None:
        journal.sync()
        self.latency.record(int(time.time() * 1000), received)

    def _close_and_publish(self, journal: Journal, syncs: list[Future]) -> None:
        for sync in syncs:  # each began before this step did: no thread waits for a queued step
            sync.result()
        journal.close()
        self._publish(journal.path)

    def _publish(self, journal_path: Path) -> Path | None:
        table, torn = recover(journal_path, self.schema)
        path = None
        if table.num_rows:
            received = table.column("receive_time").cast(pa.int64())
            first, last = pc.min(received).as_py(), pc.max(received).as_py()
            path = self.directory / date_of_ms(first) / f"{first}-{last}.parquet"
            write_parquet_atomically(table, path)
            self.files_written.append(path)
            with self._bytes_lock:
                self.bytes_written += path.stat().st_size
        if torn:  # kept for inspection; its whole batches are in the landing file
            quarantine(
                self.directory.parent, journal_path, ValueError(f"torn journal: {table.num_rows} rows kept")
            )
        journal_path.unlink(missing_ok=True)
        return path

    def _recover(self) -> list[Path]:
        """Journals left by a crashed collector become landing files before anything new is written."""
        return [p for j in sorted(self.directory.glob(JOURNAL_GLOB)) if (p := self._publish(j))]
