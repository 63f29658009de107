"""An append-only Arrow IPC stream that survives a crash up to its last flushed batch."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa


class Journal:
    """Batches appended to `path`; `flush()` makes everything appended so far durable."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path = path
        self._file = open(path, "ab")  # noqa: SIM115 - held for the journal's life, closed in close()
        self._writer = pa.ipc.new_stream(self._file, schema)
        self.rows = 0

    def append(self, batch: pa.RecordBatch) -> None:
        self._writer.write_batch(batch)
        self.rows += batch.num_rows

    def flush(self) -> None:
        self.write_out()
        self.sync()

    def write_out(self) -> None:
        """Hand everything appended so far to the OS (readable, not yet durable)."""
        self._file.flush()

    @property
    def size(self) -> int:
        """Bytes handed to the OS so far."""
        return self._file.tell()

    def sync(self) -> None:
        """Make what was handed to the OS durable; safe from another thread than the appending one."""
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._writer.close()
        self.flush()
        self._file.close()


def recover(path: Path, schema: pa.Schema) -> tuple[pa.Table, bool]:
    """Every whole batch in a journal, with the journal's own schema metadata; the flag says whether a
    torn tail was dropped."""
    batches, torn = [], False
    try:
        with pa.ipc.open_stream(pa.memory_map(str(path))) as reader:
            if reader.schema.metadata:  # what the writer recorded (its coins)
                schema = schema.with_metadata(reader.schema.metadata)
            while True:
                try:
                    batches.append(reader.read_next_batch())
                except StopIteration:
                    break
    except (pa.ArrowInvalid, OSError):
        torn = True
    return (pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()), torn
