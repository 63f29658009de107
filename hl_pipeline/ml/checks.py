"""Checks of features, labels and training sets as plain functions, one `CheckOutcome` each."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.ml.features.catalog import FEATURES, REGISTRY, bar_ms
from hl_pipeline.ml.folds import Fold
from hl_pipeline.ml.pointintime import ms
from hl_pipeline.ml.training_set import label_horizon_minutes, training_folds
from hl_pipeline.quality.outcome import ERROR, WARN, CheckOutcome, jsonable

_EXAMPLES = 5


def _outcome(check: str, date: str, severity: str, passed: bool, text: str, details: dict) -> CheckOutcome:
    return CheckOutcome(check, date, passed, severity, text, jsonable(details))


def _iso(t_ms) -> list[str]:
    return [str(pd.Timestamp(int(t), unit="ms", tz="UTC")) for t in t_ms]


def inputs_complete(features: pd.DataFrame, bar: str) -> pd.DataFrame:
    """Per row and feature: whether every input the feature reads was present at every bar of
    its lookback (unknown, hence False, where the lookback reaches before the frame).

    Vectorised: per coin, the count of rows with a missing input in the last `window` rows is a
    difference of running sums (`groupby().cumsum()` and `.shift(window)`), computed once per
    distinct (inputs, window). A coin's rows must be in time order; a jump in its bar times (a day
    not written) starts it afresh, as the start of the frame does."""
    coin = _segments(features, bar)
    position = features.groupby(coin, sort=False).cumcount().to_numpy()
    running: dict[tuple[str, ...], pd.Series] = {}
    done: dict[tuple[tuple[str, ...], int], np.ndarray] = {}
    out = {}
    for f in FEATURES:
        if f.name not in features.columns:
            continue
        if not f.inputs:
            out[f.name] = np.ones(len(features), bool)
            continue
        window = f.lookback_bars(bar) + 1
        if (f.inputs, window) not in done:
            if f.inputs not in running:
                missing = features[[f"{i}_missing" for i in f.inputs]].any(axis=1).astype(np.int64)
                running[f.inputs] = missing.groupby(coin, sort=False).cumsum()
            total = running[f.inputs]
            before = total.groupby(coin, sort=False).shift(window).fillna(0).to_numpy()
            done[(f.inputs, window)] = (position >= window - 1) & (total.to_numpy() - before == 0)
        out[f.name] = done[(f.inputs, window)]
    return pd.DataFrame(out, index=features.index)


def _segments(features: pd.DataFrame, bar: str) -> np.ndarray:
    """A label per run of consecutive bars of one coin."""
    t = ms(features["time"])
    codes = pd.factorize(features["coin"])[0]
    order = np.lexsort((t, codes))
    ts, cs = t[order], codes[order]
    breaks = np.r_[True, (cs[1:] != cs[:-1]) | (np.diff(ts) != bar_ms(bar))]
    segment = np.empty(len(t), dtype=np.int64)
    segment[order] = np.cumsum(breaks)
    return segment


def feature_day_outcomes(features: pd.DataFrame, bar: str, dates: list[str]) -> list[CheckOutcome]:
    """Both feature checks for each of `dates`, on a frame of those days: lookbacks reach across the
    days' boundaries, so a day's first bars are judged too. Holes and out-of-range values are found
    once for the whole frame; each day only sums its rows."""
    day = ms(features["time"]) // DAY_MS
    groups = [(date, np.flatnonzero(day == day_start_ms(date) // DAY_MS)) for date in dates]
    return _verdicts(features, inputs_complete(features, bar), groups)


def check_no_missing_where_inputs_present(
    features: pd.DataFrame, bar: str = "1m", date: str = ""
) -> CheckOutcome:
    """No feature is missing at a bar where all of its inputs were present over its lookback.
    `features` must hold whole consecutive bars per coin (as compute_features returns them)."""
    return _verdicts(features, inputs_complete(features, bar), [(date, np.arange(len(features)))])[0]


def check_ranges(features: pd.DataFrame, date: str = "") -> CheckOutcome:
    """Every present feature value is finite and inside its declared range."""
    present = pd.DataFrame(index=features.index)
    return _verdicts(features, present, [(date, np.arange(len(features)))])[1]


def _verdicts(
    features: pd.DataFrame, present: pd.DataFrame, groups: list[tuple[str, np.ndarray]]
) -> list[CheckOutcome]:
    """For each (date, row positions): the missing-where-present outcome, then the range outcome.
    Column by column, each group's counts are one `bincount` over the rows' group numbers."""
    slot = np.full(len(features), len(groups), dtype=np.int64)  # rows of no group count in the last bin
    for k, (_, rows) in enumerate(groups):
        slot[rows] = k
    times = ms(features["time"])

    def per_group(mask: np.ndarray) -> np.ndarray:
        return np.bincount(slot, weights=mask, minlength=len(groups) + 1)[:-1].astype(np.int64)

    checked = np.zeros(len(groups), dtype=np.int64)
    holes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in present.columns:
        known = present[name].to_numpy(bool)
        checked += per_group(known)
        hole = known & features[name].isna().to_numpy(bool)
        if hole.any():
            holes[name] = (hole, per_group(hole))
    outside: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for name in [c for c in features.columns if c in REGISTRY]:
        f, values = REGISTRY[name], features[name].to_numpy(dtype=float)
        wrong = ~np.isnan(values) & ~((values >= f.lo) & (values <= f.hi))
        if wrong.any():
            outside[name] = (values, wrong, per_group(wrong))
    out = []
    for k, (date, rows) in enumerate(groups):
        bad = {
            name: {"rows": int(n[k]), "examples": _iso(times[rows][hole[rows]][:_EXAMPLES])}
            for name, (hole, n) in holes.items()
            if n[k]
        }
        text = (
            f"features missing where every input was present: {sorted(bad)}"
            if bad
            else f"{int(checked[k])} feature values checked, none missing where its inputs were present"
        )
        details = {"violations": bad, "checked": int(checked[k])}
        out.append(_outcome("features_present_where_inputs_are", date, ERROR, not bad, text, details))
        ranges = {
            name: {
                "rows": int(n[k]),
                "range": [REGISTRY[name].lo, REGISTRY[name].hi],
                "min": float(np.nanmin(values[rows])),
                "max": float(np.nanmax(values[rows])),
            }
            for name, (values, _, n) in outside.items()
            if n[k]
        }
        text = (
            f"out of range: {sorted(ranges)}"
            if ranges
            else f"all {len(rows)} rows inside the declared ranges"
        )
        out.append(_outcome("features_in_range", date, ERROR, not ranges, text, {"violations": ranges}))
    return out


def label_balance(
    labels: pd.DataFrame,
    column: str = "direction",
    max_share: float = 0.9,
    date: str = "",
    min_windows: int = 20,
) -> CheckOutcome:
    """Class shares of `column` per day and horizon; fails where one class holds more than
    `max_share` of a day's known labels. A day and horizon with fewer labels than `min_windows`
    whole horizons of 1m bars (a day just begun: 100 labels at 5m, 1,200 at 60m, since neighbouring
    labels share most of their window) is listed but not judged: one trend makes them one class."""
    (outcome,) = label_day_outcomes(labels, [date], column, max_share, min_windows, by_day=False)
    return outcome


def label_day_outcomes(
    labels: pd.DataFrame,
    dates: list[str],
    column: str = "direction",
    max_share: float = 0.9,
    min_windows: int = 20,
    *,
    by_day: bool = True,
) -> list[CheckOutcome]:
    """`label_balance` for each of `dates` over a frame of those days, the classes counted once
    (`by_day=False`: one outcome for the whole frame, named `dates[0]`)."""
    known = labels[labels[column].notna()]
    day = known["time"].dt.floor("D")  # formatted once per day below, not once per row
    counts = known.groupby([day, known["horizon_min"], known[column]]).size().unstack(fill_value=0)
    missing = labels[column].isna().groupby(labels["time"].dt.floor("D")).sum()
    out = []
    for date in dates:
        stamp = pd.Timestamp(date, tz="UTC")
        mine = counts[counts.index.get_level_values(0) == stamp] if by_day else counts
        absent = int(missing.get(stamp, 0)) if by_day else int(missing.sum())
        out.append(_balance(mine, absent, column, max_share, min_windows, date))
    return out


def _balance(
    counts: pd.DataFrame, missing: int, column: str, max_share: float, min_windows: int, date: str
) -> CheckOutcome:
    totals = counts.sum(axis=1)
    shares = counts.div(totals, axis=0)
    enough = totals >= min_windows * totals.index.get_level_values(1).to_numpy()
    skewed = shares[(shares.max(axis=1) > max_share) & enough]
    report = {
        f"{d:%Y-%m-%d} {h}m": {str(int(k)): round(float(v), 4) for k, v in row.items()}
        for (d, h), row in shares.iterrows()
    }
    flagged = [f"{d:%Y-%m-%d} {h}m" for d, h in skewed.index]
    few = [f"{d:%Y-%m-%d} {h}m" for d, h in totals[~enough].index]
    text = (
        f"one class dominates: {flagged}" if flagged else f"no class above {max_share:.0%} of a day's labels"
    ) + (f"; not judged (under {min_windows} horizons of labels): {few}" if few else "")
    details = {"shares": report, "skewed": flagged, "too_few": few, "missing": missing}
    return _outcome("labels_class_balance", date, WARN, skewed.empty, text, details)


def check_no_leakage(
    frame: pd.DataFrame, manifest: Mapping, date: str = "", folds: list[Fold] | None = None
) -> CheckOutcome:
    """The leakage guard: no label in the training set was known after the set's `as_of`, and in
    every fold no training row's label was known at or after its test window's start (`folds`: the
    manifest's folds over `frame`, if already cut)."""
    horizons = label_horizon_minutes(frame.columns)
    known = {h: ms(frame[f"known_time_{h}m"]) for h in horizons}
    returned = {h: frame[f"fwd_log_return_{h}m"].notna().to_numpy() for h in horizons}
    folds = training_folds(frame, manifest) if folds is None else folds
    return leakage_outcome(known, returned, folds, manifest, len(frame), date)


def leakage_outcome(
    known: Mapping[int, np.ndarray],
    returned: Mapping[int, np.ndarray],
    folds: list[Fold],
    manifest: Mapping,
    rows: int,
    date: str = "",
) -> CheckOutcome:
    """`check_no_leakage` on arrays: per horizon, each row's label known time and whether its return
    is in the set."""
    as_of = manifest["as_of"]
    problems = {}
    for h, times in known.items():
        late = (times > as_of) & returned[h]
        if late.any():
            problems[f"known after as_of ({h}m)"] = int(late.sum())
        for fold in folds:
            seen = times[fold.train] >= fold.test_start
            if seen.any():
                problems[f"fold {fold.index} trains on labels known in its test window ({h}m)"] = int(
                    seen.sum()
                )
    text = (
        f"leakage: {problems}"
        if problems
        else f"{rows} rows: no label known after {manifest['as_of']} or inside a test window's past"
    )
    return _outcome("training_set_no_leakage", date, ERROR, not problems, text, {"violations": problems})
