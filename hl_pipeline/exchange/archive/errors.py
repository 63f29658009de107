"""Errors for archive files: each names the object and the 1-based line that is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from hl_pipeline.exchange.errors import ExchangeError, MalformedResponseError, excerpt


@dataclass(frozen=True)
class BadLine:
    """A line that could not be parsed, recorded (never hidden) in on_error="record" mode."""

    source: str
    line: int
    problem: str


class ArchiveFormatError(MalformedResponseError):
    """A line of an archive file is not in the documented format."""

    def __init__(self, source: str, line: int, problem: str, text: object = None):
        super().__init__({"type": "archive", "key": source, "line": line}, problem, text)
        self.source, self.line = source, line
        message = f"malformed archive file {source} line {line}: {problem}"
        if text is not None:
            message += f"; line began {excerpt(text, 200)}"
        self.args = (message,)


class ArchiveAccessError(ExchangeError):
    """An archive object could not be listed, sized or fetched (missing, denied, no credentials)."""
