"""The outcomes of every lake dataset's checks over a run's days: read what the run wrote (a
month at a time, or a day at a time for the big streams), validate, one outcome per check and day."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from hl_pipeline.lake.calendar import chunks
from hl_pipeline.lake.reader import read_manifest, read_range
from hl_pipeline.lake.storage import Location
from hl_pipeline.quality.outcome import ERROR, CheckOutcome

Validate = Callable[[pd.DataFrame, list[str]], list[CheckOutcome]]


def manifest_coverage(root: Location, dataset: str, dates: list[str], coins: Sequence[str]) -> dict:
    """coverage[date][coin] as the ingestion recorded it in each partition's manifest."""
    out: dict = {}
    for date in dates:
        for coin in coins:
            manifest = read_manifest(root, dataset, date, coin)
            out.setdefault(date, {})[coin] = manifest.coverage if manifest else {}
    return out


def _by_batch(
    root: Location, dataset: str, dates: list[str], coins: Sequence[str | None], validate: Validate, size: int
) -> list[CheckOutcome]:
    return [
        o
        for batch in chunks(dates, size)
        for o in validate(read_range(root, dataset, batch, list(coins), with_date=True).to_pandas(), batch)
    ]


def candle_outcomes(root: Location, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    from hl_pipeline.quality.candle_checks import check_candles

    def validate(frame: pd.DataFrame, batch: list[str]) -> list[CheckOutcome]:
        return check_candles(frame, batch, manifest_coverage(root, "candles", batch, coins))

    return _by_batch(root, "candles", dates, coins, validate, 31)


def funding_outcomes(root: Location, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    from hl_pipeline.quality.funding_checks import check_funding

    def validate(frame: pd.DataFrame, batch: list[str]) -> list[CheckOutcome]:
        return check_funding(frame, batch, manifest_coverage(root, "funding", batch, coins))

    return _by_batch(root, "funding", dates, coins, validate, 31)


def context_outcomes(root: Location, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    from hl_pipeline.quality.context_checks import check_contexts

    return _by_batch(root, "asset_contexts", dates, coins, check_contexts, 31)


def universe_outcomes(root: Location, dates: list[str], tracked: Sequence[str]) -> list[CheckOutcome]:
    from hl_pipeline.quality.universe_checks import check_universe

    def validate(frame: pd.DataFrame, batch: list[str]) -> list[CheckOutcome]:
        return check_universe(frame, batch, list(tracked))

    return _by_batch(root, "universe", dates, [None], validate, 31)


def _gap_outcomes(root: Location, dataset: str, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    from hl_pipeline.quality.stream_gaps import gap_outcomes

    manifests = {d: {c: read_manifest(root, dataset, d, c) for c in coins} for d in dates}
    return gap_outcomes(f"{dataset}_complete", manifests)


def book_outcomes(root: Location, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    """A day of books can hold millions of levels: one day at a time."""
    from hl_pipeline.quality.book_checks import check_books

    outcomes = _by_batch(root, "book_snapshots", dates, coins, check_books, 1)
    return outcomes + _gap_outcomes(root, "book_snapshots", dates, coins)


def trade_outcomes(root: Location, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    """Trades a day at a time, each price against its minute's 1m candle."""
    from hl_pipeline.quality.trade_checks import check_trades

    def validate(frame: pd.DataFrame, batch: list[str]) -> list[CheckOutcome]:
        bars = read_range(root, "candles", batch, list(coins)).to_pandas()
        return check_trades(frame, batch, bars[bars["interval"].eq("1m") & bars["source"].eq("api")])

    return _by_batch(root, "trades", dates, coins, validate, 1) + _gap_outcomes(root, "trades", dates, coins)


def feature_outcomes(root: Location, dates: list[str], coins: Sequence[str], bar: str) -> list[CheckOutcome]:
    from hl_pipeline.ml.checks import feature_day_outcomes

    outcomes = []
    for batch in chunks(dates):
        frame = read_range(root, "features", batch, list(coins)).to_pandas()
        outcomes += feature_day_outcomes(frame, bar, batch)
    return outcomes


def label_outcomes(root: Location, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    from hl_pipeline.ml.checks import label_day_outcomes

    outcomes = []
    for batch in chunks(dates):
        outcomes += label_day_outcomes(read_range(root, "labels", batch, list(coins)).to_pandas(), batch)
    return outcomes


def training_set_outcomes(root: Location, dates: list[str]) -> list[CheckOutcome]:
    from hl_pipeline.ml.checks import leakage_outcome
    from hl_pipeline.steps.training_resolve import resolve_written
    from hl_pipeline.steps.training_sets import OLD_FORMAT

    outcomes = []
    for date, resolved in resolve_written(root, dates):
        if resolved is None:
            old = read_manifest(root, "training_set", date)
            text = (
                f"no training_set partition written for {date}"
                if old is None
                else OLD_FORMAT.format(date=date, code=old.code_version)
            )
            names = ("training_set_inputs_unchanged", "training_set_no_leakage")
            outcomes += [CheckOutcome(name, date, False, ERROR, text, {}) for name in names]
            continue
        stale, match = resolved.stale, resolved.rows_match()
        text = (
            f"{len(stale)} input partition(s) changed since the set was built, e.g. {', '.join(stale[:3])}"
            if stale
            else "every input partition holds what it held when the set was built"
            + ("" if match else ", but they resolve to other rows or folds than those recorded")
        )
        details = {"changed": stale, "rows_match": match}
        outcomes.append(
            CheckOutcome("training_set_inputs_unchanged", date, not stale and match, ERROR, text, details)
        )
        rows = resolved.rows
        outcomes.append(
            leakage_outcome(
                rows.known, rows.returned, resolved.folds, resolved.manifest.details, len(rows.times), date
            )
        )
    return outcomes
