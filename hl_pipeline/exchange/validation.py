"""Checks made before a request is spent; each error names the bad value and suggests fixes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hl_pipeline.exchange.errors import UnknownCoinError, UnknownIntervalError
from hl_pipeline.exchange.intervals import INTERVALS

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}\Z")
SIG_FIGS = (2, 3, 4, 5)
MANTISSAS = (1, 2, 5)


def check_interval(interval: str) -> str:
    if interval not in INTERVALS:
        raise UnknownIntervalError(interval, INTERVALS)
    return interval


def check_coin_in(coin: str, universe: Iterable[str], listed: str = "perps") -> str:
    universe = list(universe)
    if coin not in universe:
        raise UnknownCoinError(coin, universe, listed)
    return coin


def check_range(start_ms: int, end_ms: int) -> None:
    for name, value in (("start_ms", start_ms), ("end_ms", end_ms)):
        if type(value) is not int:
            raise ValueError(f"bad {name} {value!r}: expected integer milliseconds since the epoch")
        if value < 0:
            raise ValueError(f"bad {name} {value}: negative")
    if start_ms > end_ms:
        raise ValueError(f"bad time range: start_ms {start_ms} is after end_ms {end_ms}")


def check_user(user: str) -> str:
    if not isinstance(user, str) or not _ADDRESS.match(user):
        raise ValueError(f"bad user address {user!r}: expected 0x followed by 40 hex digits")
    return user


def check_book_aggregation(n_sig_figs: int | None, mantissa: int | None) -> None:
    if n_sig_figs is not None and n_sig_figs not in SIG_FIGS:
        raise ValueError(
            f"bad n_sig_figs {n_sig_figs!r}: expected one of {SIG_FIGS} or None (full precision)"
        )
    if mantissa is not None and (n_sig_figs != 5 or mantissa not in MANTISSAS):
        raise ValueError(f"bad mantissa {mantissa!r}: allowed only with n_sig_figs=5, one of {MANTISSAS}")
