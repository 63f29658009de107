"""A test of the lookahead tests: plant each kind of leak in hl_pipeline by monkeypatching, run the
check test_lookahead_late_data.py runs (the same function, inputs and cut times), and it must fail.

(a) a feature shifted one bar ahead, one per feature group; (b) funding and open interest read
1 minute ahead; (c) trades ignoring receive time; (d) books ignoring receive time, and a book
received twice known only at its second receipt (the rule book_features had before); (e) the
hourly feature using the unfinished hour; (f) the purge removed; (i) a wallet feature shifted one
bar ahead, wallet kinds from the profile of the bar's own day (it read fills after the bar), and a
wallet's position counting a fill stamped at the bar's close. Two more show the label check
has teeth: (g) labels read one bar late, (h) a missing bar filled in. A fault is a wrapper around
the real function, or the real function rebuilt from its source with one line changed (`mutant`:
a refactor that moves the line fails the test loudly rather than skipping the fault).
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.ml import folds, labels, training_set
from hl_pipeline.ml.features import (
    book_features,
    compute,
    context_features,
    higher_timeframe,
    trade_features,
    wallet_features,
)
from hl_pipeline.ml.features.bars import CoinBars
from hl_pipeline_tests.ml.lookahead import (
    LookaheadDetected,
    check_features_at_cuts,
    check_labels,
    check_purge_all,
    cut_times,
    late_inputs,
)

INPUTS = late_inputs()
CUTS = cut_times(INPUTS)


def features_check() -> None:
    check_features_at_cuts(INPUTS, CUTS, bar="1m")


def labels_check() -> None:
    check_labels(INPUTS["candles"], CUTS)


def mutant(func: Callable, *edits: tuple[str, str]) -> Callable:
    """`func` rebuilt from its own source with each (old, new) edit applied (old must occur once)."""
    source = textwrap.dedent(inspect.getsource(func))
    for old, new in edits:
        if source.count(old) != 1:
            raise AssertionError(f"mutation site {old!r} not once in {func.__qualname__}: update the test")
        source = source.replace(old, new)
    namespace = dict(func.__globals__)  # a copy: the module itself is left alone
    exec(compile(source, inspect.getsourcefile(func) or "<mutant>", "exec"), namespace)
    return namespace[func.__name__]


# --- the faults --------------------------------------------------------------------------------

Plant = Callable[[pytest.MonkeyPatch], None]


def shifted_ahead(group: str, name: str) -> Plant:
    """(a) Feature `name` at a bar takes the value of the next bar."""

    def plant(mp: pytest.MonkeyPatch) -> None:
        honest = compute.GROUPS[group]

        def faulty(bars: CoinBars) -> dict[str, np.ndarray]:
            out = honest(bars)
            return {**out, name: np.r_[out[name][1:], np.nan]}

        mp.setitem(compute.GROUPS, group, faulty)

    return plant


def read_ahead(*columns: str) -> Plant:
    """(b) Funding / open interest read as of 1 minute after the bar's close."""

    def plant(mp: pytest.MonkeyPatch) -> None:
        honest = context_features.asof

        def faulty(rows: pd.DataFrame, column: str, at: np.ndarray, max_age_ms: int) -> np.ndarray:
            return honest(rows, column, at + MINUTE_MS if column in columns else at, max_age_ms)

        mp.setattr(context_features, "asof", faulty)

    return plant


def _trades_on_exchange_time(bars: CoinBars) -> CoinBars:
    trades = bars.trades.assign(receive_time=bars.trades["time"])
    return dataclasses.replace(bars, trades=trades, cache={})


def trades_ignore_receive(mp: pytest.MonkeyPatch) -> None:
    """(c) Trade features take every trade of the bar, received by its close or not."""
    honest = compute.GROUPS["trades"]
    mp.setitem(compute.GROUPS, "trades", lambda bars: honest(_trades_on_exchange_time(bars)))


def trade_flag_ignores_receive(mp: pytest.MonkeyPatch) -> None:
    """(c) The trade feed counts as live from trades not yet received."""
    honest = trade_features.missing

    def faulty(bars: CoinBars) -> dict[str, np.ndarray]:
        return honest(_trades_on_exchange_time(bars))

    mp.setattr(compute, "MISSING", tuple(faulty if f is honest else f for f in compute.MISSING))


def books_ignore_receive(mp: pytest.MonkeyPatch) -> None:
    """(d) The book used at a bar is the latest by exchange time, received or not."""
    honest = book_features._chosen

    def faulty(bars: CoinBars) -> tuple[np.ndarray, ...]:
        if "book" not in bars.cache:
            book = bars.book.assign(receive_time=bars.book["time"])
            bars.cache["book"] = honest(dataclasses.replace(bars, book=book, cache={}))
        return bars.cache["book"]

    mp.setattr(book_features, "_chosen", faulty)


def book_known_at_last_receipt(mp: pytest.MonkeyPatch) -> None:
    """(d) A book received twice counts as known only at its second receipt (and counts twice):
    the rule before the fix, an exchange time standing for one snapshot."""
    honest = book_features._chosen

    def faulty(bars: CoinBars) -> tuple[np.ndarray, ...]:
        if "book" not in bars.cache:
            last = bars.book.groupby("time")["receive_time"].transform("max")
            book = bars.book.assign(receive_time=last)
            bars.cache["book"] = honest(dataclasses.replace(bars, book=book, cache={}))
        return bars.cache["book"]

    mp.setattr(book_features, "_chosen", faulty)


_LAST_CLOSED_HOUR = "(bars.closes_at // HTF_MS) - 1"
_HOUR_IN_PROGRESS = "(bars.closes_at - 1) // HTF_MS"


def unfinished_hour(mp: pytest.MonkeyPatch) -> None:
    """(e) A bar sees the hour it lies in (complete in hindsight), not the last closed one."""
    faulty = mutant(higher_timeframe.compute, (_LAST_CLOSED_HOUR, _HOUR_IN_PROGRESS))
    mp.setitem(compute.GROUPS, "htf", faulty)


def unfinished_hour_so_far(mp: pytest.MonkeyPatch) -> None:
    """(e) The same, aggregating whatever bars of the hour exist."""
    faulty = mutant(
        higher_timeframe.compute,
        (_LAST_CLOSED_HOUR, _HOUR_IN_PROGRESS),
        ('agg = agg[agg["bars"] == per_hour]', 'agg = agg[agg["bars"] > 0]'),
    )
    mp.setitem(compute.GROUPS, "htf", faulty)


def same_day_profile(mp: pytest.MonkeyPatch) -> None:
    """(i) A bar takes its wallets' kinds from the profile of its own day, not an earlier one."""
    old = "day_start = bars.times // DAY_MS * DAY_MS"
    mp.setattr(
        wallet_features, "profile_times", mutant(wallet_features.profile_times, (old, old + " + DAY_MS"))
    )


def position_counts_fill_at_close(mp: pytest.MonkeyPatch) -> None:
    """(i) A wallet's position at a close counts a fill stamped at that close (known only after it)."""
    old = 'np.searchsorted(t[by_start], at, side="left")'
    faulty = mutant(wallet_features._net_position, (old, old.replace("left", "right")))
    mp.setattr(wallet_features, "_net_position", faulty)


def no_purge(embargo: bool) -> Plant:
    """(f) Walk-forward folds without the purge (and, unless `embargo`, without the embargo)."""

    def plant(mp: pytest.MonkeyPatch) -> None:
        honest = folds.walk_forward_folds

        def faulty(times_ms: Any, *, horizon_ms: int, embargo_ms: int, **kwargs: Any) -> list[folds.Fold]:
            return honest(times_ms, horizon_ms=0, embargo_ms=embargo_ms if embargo else 0, **kwargs)

        for module in (folds, training_set):
            mp.setattr(module, "walk_forward_folds", faulty)

    return plant


def purge_boundary_inclusive(mp: pytest.MonkeyPatch) -> None:
    """(f) The purge keeps the row whose label is known exactly when the test window opens."""
    old = "keep = times + horizon_ms + embargo_ms < start"
    faulty = mutant(folds.walk_forward_folds, (old, old.replace("<", "<=")))
    for module in (folds, training_set):
        mp.setattr(module, "walk_forward_folds", faulty)


def _on_label_grid(change: Callable[[np.ndarray], np.ndarray]) -> Plant:
    def plant(mp: pytest.MonkeyPatch) -> None:
        honest = labels.candle_grid

        def faulty(*args: Any) -> dict[str, np.ndarray]:
            return {name: change(column) for name, column in honest(*args).items()}

        mp.setattr(labels, "candle_grid", faulty)

    return plant


label_one_bar_late = _on_label_grid(lambda x: np.r_[x[1:], np.nan])
"""(g) Each label read one bar later than its bar: past the horizon."""
label_gap_filled = _on_label_grid(lambda x: pd.Series(x).ffill().to_numpy())
"""(h) A missing bar takes the last close: labels guessed instead of missing."""


FAULTS: dict[str, tuple[Plant, Callable[[], Any], str]] = {
    # name: (plant the fault, the check that must catch it, what its report must name)
    "a-ret_1-next-bar": (shifted_ahead("candles", "ret_1"), features_check, "ret_1"),
    "a-spread-next-bar": (shifted_ahead("book", "spread_bps"), features_check, "spread_bps"),
    "a-signed_volume-next-bar": (shifted_ahead("trades", "signed_volume"), features_check, "signed_volume"),
    "a-funding_rate-next-bar": (shifted_ahead("context", "funding_rate"), features_check, "funding_rate"),
    "a-oi_change-next-bar": (shifted_ahead("context", "oi_change_24h"), features_check, "oi_change_24h"),
    "a-btc_ret_1-next-bar": (shifted_ahead("cross", "btc_ret_1"), features_check, "btc_ret_1"),
    "a-htf_ret_1h-next-bar": (shifted_ahead("htf", "htf_ret_1h"), features_check, "htf_ret_1h"),
    "b-funding-and-oi-1-min-ahead": (
        read_ahead("funding_rate", "premium", "open_interest"),
        features_check,
        "funding|premium|oi_",
    ),
    "b-funding-1-min-ahead": (read_ahead("funding_rate", "premium"), features_check, "funding|premium"),
    "b-oi-1-min-ahead": (read_ahead("open_interest"), features_check, "oi_"),
    "c-trades-ignore-receive-time": (
        trades_ignore_receive,
        features_check,
        "signed_volume|flow_imb|wallet|trade",
    ),
    "c-trade-flag-ignores-receive-time": (trade_flag_ignores_receive, features_check, "trades_missing"),
    "d-books-ignore-receive-time": (books_ignore_receive, features_check, "spread_bps|book_"),
    "d-book-known-at-last-receipt": (book_known_at_last_receipt, features_check, "spread_bps|depth|book_"),
    "e-htf-unfinished-hour": (unfinished_hour, features_check, "htf_"),
    "e-htf-unfinished-hour-so-far": (unfinished_hour_so_far, features_check, "htf_"),
    "i-whale_net_flow-next-bar": (shifted_ahead("wallets", "whale_net_flow"), features_check, "whale"),
    "i-liquidations-next-bar": (
        shifted_ahead("wallets", "liquidation_volume"),
        features_check,
        "liquidation",
    ),
    "i-wallet-kinds-same-day": (same_day_profile, features_check, "whale|smart_money|mm_inventory"),
    "i-position-fill-at-close": (position_counts_fill_at_close, features_check, "smart_money|mm_inventory"),
    "f-purge-removed": (no_purge(embargo=True), check_purge_all, "label window"),
    "f-purge-and-embargo-removed": (no_purge(embargo=False), check_purge_all, "label window"),
    "f-purge-boundary-inclusive": (purge_boundary_inclusive, check_purge_all, "label window"),
    "g-label-one-bar-late": (label_one_bar_late, labels_check, "labels"),
    "h-label-gap-filled": (label_gap_filled, labels_check, "labels"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_each_planted_leak_is_caught(monkeypatch, name):
    plant, check, named = FAULTS[name]
    plant(monkeypatch)
    with pytest.raises(LookaheadDetected, match=named):
        check()
