"""Checking `simulator serve` option values: each bad one is a FlagError naming the flag and value."""

from __future__ import annotations

import math

from hl_pipeline.simulator.config import FaultConfig

PROBABILITIES = ("server_error", "slow", "truncated", "malformed")
FAULTS = ("rate_limit_burst", *PROBABILITIES, "slow_seconds")


class FlagError(ValueError):
    """A command-line value that is not allowed; the message is the one line to print."""


def _number(flag: str, text: object) -> float:
    try:
        value = float(str(text))
    except ValueError:
        raise FlagError(f"{flag}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise FlagError(f"{flag}: {text!r} is not a finite number")
    return value


def integer(flag: str, text: object, low: int, high: int | None = None) -> int:
    """An integer in [low, high]."""
    try:
        value = int(str(text))
    except ValueError:
        raise FlagError(f"{flag}: {text!r} is not an integer") from None
    if value < low or (high is not None and value > high):
        bound = f"in {low}..{high}" if high is not None else f">= {low}"
        raise FlagError(f"{flag}: {text!r} is out of range (expected an integer {bound})")
    return value


def number(flag: str, text: object, low: float, positive: bool = False) -> float:
    """A finite number >= low (> low when `positive`)."""
    value = _number(flag, text)
    if value < low or (positive and value == low):
        raise FlagError(
            f"{flag}: {text!r} is out of range (expected a number {'>' if positive else '>='} {low:g})"
        )
    return value


def stream_rate(text: str | None) -> float | str | None:
    """--ws-stream-rate: a positive number of messages per second, or 'burst'."""
    if text in (None, "burst"):
        return text
    return number("--ws-stream-rate", text, 0.0, positive=True)


def fault(text: str) -> tuple[str, float | int]:
    """One --fault NAME=VALUE: a known fault and a value of its kind."""
    name, sep, value = text.partition("=")
    flag = f"--fault {text}"
    if name not in FAULTS or not sep or not value:
        raise FlagError(f"--fault: {text!r} is not NAME=VALUE with NAME one of {', '.join(FAULTS)}")
    if name == "rate_limit_burst":
        return name, integer(flag, value, 0)
    if name == "slow_seconds":
        return name, number(flag, value, 0.0)
    p = _number(flag, value)
    if not 0.0 <= p <= 1.0:
        raise FlagError(f"{flag}: {name} is a probability, {value!r} is not in 0..1")
    return name, p


def faults(texts: list[str]) -> FaultConfig:
    """The fault switches of every --fault option."""
    config = FaultConfig()
    for text in texts:
        name, value = fault(text)
        setattr(config, name, value)
    return config
