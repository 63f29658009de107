"""The two kinds of failure every package raises besides its own: bad configuration, missing inputs."""

from __future__ import annotations


class ConfigError(ValueError):
    """A setting, argument or partition key has a bad value; the message names it and the value.

    Raised before anything is written; the CLI answers it with exit status 2."""


class PreconditionError(RuntimeError):
    """Something a step needs is not there yet (a partition not materialized, no registered
    version); the message says what to run first. Nothing was written."""
