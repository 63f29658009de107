"""Purged walk-forward folds, and combinatorial purged cross-validation splits, over bar times.

The distinct bar times are cut into ``n_folds + 1`` chronological blocks; the first only
trains, each later block is one fold's test window. A fold trains on rows before its test
window (all of them when ``expanding``, the last ``train_ms`` when ``rolling``) and then:

- purge: a training row at time t whose label window ``[t, t + horizon_ms]`` reaches the
  test window (t + horizon_ms >= test_start) is dropped, so no training label sees a test bar;
- embargo: training rows within ``embargo_ms`` of the test window are dropped as well. In
  walk-forward no training row follows a test window, so the embargo is the extra gap on the
  one boundary there is: a row is dropped when t + horizon_ms + embargo_ms >= test_start.

Several coins may share a bar time; a time is never split between train and test.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from hl_pipeline.errors import ConfigError

MODES = ("expanding", "rolling")


@dataclass(frozen=True)
class Fold:
    index: int
    train: np.ndarray  # integer row positions into the times array
    test: np.ndarray
    test_start: int  # ms, inclusive
    test_end: int  # ms, exclusive


def walk_forward_folds(
    times_ms: np.ndarray,
    *,
    n_folds: int,
    horizon_ms: int,
    embargo_ms: int,
    mode: str = "expanding",
    train_ms: int | None = None,
    min_train_rows: int = 1,
) -> list[Fold]:
    """Chronological folds; training rows whose label window [t, t + horizon_ms] reaches into a test
    window are purged, and training rows within embargo_ms after a test window are dropped (see the
    module docstring)."""
    times = _as_ms(times_ms)
    if not isinstance(n_folds, (int, np.integer)) or n_folds < 1:
        raise ConfigError(f"n_folds must be a positive integer, got {n_folds!r}")
    if horizon_ms < 0:
        raise ConfigError(f"horizon_ms must be >= 0, got {horizon_ms!r}")
    if embargo_ms < 0:
        raise ConfigError(f"embargo_ms must be >= 0, got {embargo_ms!r}")
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {MODES}, got {mode!r}")
    if train_ms is not None and train_ms <= 0:
        raise ConfigError(f"train_ms must be > 0, got {train_ms!r}")
    if min_train_rows < 1:
        raise ConfigError(f"min_train_rows must be >= 1, got {min_train_rows!r}")
    distinct = _distinct(times)
    if len(distinct) < n_folds + 1:
        raise ConfigError(
            f"n_folds={n_folds} needs at least {n_folds + 1} distinct times, got {len(distinct)}"
        )

    blocks = np.array_split(distinct, n_folds + 1)
    window = train_ms if train_ms is not None else int(blocks[1][0] - blocks[0][0])
    folds = []
    for k in range(1, n_folds + 1):
        start = int(blocks[k][0])
        end = int(blocks[k + 1][0]) if k < n_folds else int(blocks[k][-1]) + 1
        keep = times + horizon_ms + embargo_ms < start
        if mode == "rolling":
            keep &= times >= start - window
        train = np.flatnonzero(keep)
        if len(train) < min_train_rows:
            raise ValueError(
                f"fold {k - 1} (test from {start} ms) has {len(train)} training rows "
                "after purge and embargo, "
                f"fewer than min_train_rows={min_train_rows}"
            )
        test = np.flatnonzero((times >= start) & (times < end))
        folds.append(Fold(index=k - 1, train=train, test=test, test_start=start, test_end=end))
    return folds


def _distinct(times: np.ndarray) -> np.ndarray:
    """The sorted distinct times; rows in time order (as training sets hold them) skip the sort."""
    if len(times) > 1 and bool((times[1:] >= times[:-1]).all()):
        return times[np.r_[True, times[1:] != times[:-1]]]
    return np.unique(times)


def _as_ms(times_ms) -> np.ndarray:
    times = np.asarray(times_ms)
    if np.issubdtype(times.dtype, np.datetime64):
        times = times.astype("datetime64[ms]").astype(np.int64)
    if times.ndim != 1 or len(times) == 0:
        raise ValueError(f"times_ms must be a non-empty 1-D array, got shape {times.shape}")
    if not np.issubdtype(times.dtype, np.integer):
        raise ValueError(f"times_ms must hold integer milliseconds, got dtype {times.dtype}")
    return times.astype(np.int64, copy=False)


@dataclass(frozen=True)
class Split:
    """One split of combinatorial purged cross-validation: its test groups and rows, and the training
    rows left after purge and embargo around every test group."""

    index: int
    groups: tuple[int, ...]
    train: np.ndarray
    test: np.ndarray


def cpcv_splits(
    times_ms: np.ndarray,
    *,
    n_groups: int,
    n_test_groups: int,
    horizon_ms: int,
    embargo_ms: int = 0,
) -> list[Split]:
    """Combinatorial purged cross-validation (Lopez de Prado 2018, ch. 12): the distinct bar times cut
    into `n_groups` chronological groups, one split per choice of `n_test_groups` of them as the test
    set. A training row at time t is dropped when its label window [t, t + horizon_ms] reaches a test
    group (purge) or when it falls within `embargo_ms` after one (embargo); training rows on both
    sides of a test group are kept otherwise."""
    times = _as_ms(times_ms)
    if not isinstance(n_groups, (int, np.integer)) or n_groups < 2:
        raise ConfigError(f"n_groups must be an integer >= 2, got {n_groups!r}")
    if not isinstance(n_test_groups, (int, np.integer)) or not 1 <= n_test_groups < n_groups:
        raise ConfigError(
            f"n_test_groups must be between 1 and n_groups - 1 = {n_groups - 1}, got {n_test_groups!r}"
        )
    if horizon_ms < 0 or embargo_ms < 0:
        raise ConfigError(f"horizon_ms and embargo_ms must be >= 0, got {horizon_ms!r} and {embargo_ms!r}")
    group, starts, ends = time_groups(times, n_groups)
    splits = []
    for index, chosen in enumerate(combinations(range(n_groups), n_test_groups)):
        test_mask = np.isin(group, chosen)
        keep = ~test_mask
        for g in chosen:
            keep &= ~((times + horizon_ms >= starts[g]) & (times < ends[g] + embargo_ms))
        splits.append(Split(index, tuple(chosen), np.flatnonzero(keep), np.flatnonzero(test_mask)))
    return splits


def time_groups(times_ms: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the group of each row, each group's first time, each group's end, exclusive): the distinct
    times cut into `n_groups` chronological groups of near-equal size; a time is never split."""
    times = _as_ms(times_ms)
    distinct = _distinct(times)
    if len(distinct) < n_groups:
        raise ConfigError(
            f"n_groups={n_groups} needs at least {n_groups} distinct times, got {len(distinct)}"
        )
    blocks = np.array_split(distinct, n_groups)
    starts = np.array([int(b[0]) for b in blocks], dtype=np.int64)
    ends = np.append(starts[1:], int(blocks[-1][-1]) + 1)
    return np.searchsorted(starts, times, side="right") - 1, starts, ends


def cpcv_paths(n_groups: int, n_test_groups: int) -> np.ndarray:
    """(paths x groups) split indexes: path p takes group g's predictions from the p-th split (in
    `cpcv_splits` order) that tests g, so each path is one whole out-of-sample history. There are
    C(n_groups - 1, n_test_groups - 1) paths."""
    by_group: list[list[int]] = [[] for _ in range(n_groups)]
    for index, chosen in enumerate(combinations(range(n_groups), n_test_groups)):
        for g in chosen:
            by_group[g].append(index)
    return np.array(by_group, dtype=np.int64).T
