"""Shared plumbing for the readers: LZ4-frame line streaming, ISO-time parsing, error policy.

Files are decompressed incrementally with `lz4.frame` and read one line at a time, so memory
holds one line plus the columns being built, never the whole decompressed file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import BinaryIO

import lz4.frame
import pyarrow as pa

from hl_pipeline.exchange.archive.errors import ArchiveFormatError, BadLine

ON_ERROR = ("raise", "record")
_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]00:?00)?\Z")
_EPOCH = dt.datetime(1970, 1, 1)


class LineProblem(ValueError):
    """Raised by line parsers; the reader adds the file name and line number."""


def iter_lz4_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line without its newline) from an LZ4-frame stream, streamed."""
    with lz4.frame.LZ4FrameFile(stream, mode="rb") as frame:  # does not close `stream`
        for number, line in enumerate(frame, start=1):
            yield number, line.rstrip(b"\r\n")


def iso_to_ns(text: object) -> int:
    """ISO time ("2024-01-01T12:00:01.138942031", no zone = UTC) -> ns since epoch, exactly."""
    m = _ISO.match(text) if isinstance(text, str) else None
    if m is None:
        raise LineProblem(f"expected an ISO time, got {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        when = dt.datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise LineProblem(f"impossible time {text!r}: {exc}") from None
    seconds = (when - _EPOCH) // dt.timedelta(seconds=1)
    return seconds * 1_000_000_000 + int((m.group(7) or "").ljust(9, "0"))


class LinePolicy:
    """on_error="raise": first bad line raises ArchiveFormatError; "record": kept in `.bad`."""

    def __init__(self, source: str, on_error: str):
        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}, got {on_error!r}")
        self.source, self.on_error = source, on_error
        self.bad: list[BadLine] = []

    def fail(self, line: int, problem: str, text: bytes) -> None:
        if self.on_error == "raise":
            raise ArchiveFormatError(self.source, line, problem, text)
        self.bad.append(BadLine(self.source, line, problem))

    def result(self, table: pa.Table) -> pa.Table | tuple[pa.Table, list[BadLine]]:
        """The table alone ("raise"), or with the bad lines ("record")."""
        return (table, self.bad) if self.on_error == "record" else table


def source_name(stream: object, source: str | None) -> str:
    return source or str(getattr(stream, "name", None) or "<stream>")
