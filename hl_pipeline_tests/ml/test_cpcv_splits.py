"""Combinatorial purged cross-validation: every split purges and embargoes around each of its test
groups, and the paths recombine the splits into whole out-of-sample histories."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

from hl_pipeline.errors import ConfigError
from hl_pipeline.ml.folds import cpcv_paths, cpcv_splits, time_groups

MINUTE = 60_000


def _times(seed: int) -> np.ndarray:
    """Two coins sharing bar times, with gaps."""
    rng = np.random.default_rng(seed)
    bars = np.sort(rng.choice(2000, size=1500, replace=False)) * MINUTE
    return np.sort(np.concatenate([bars, bars[rng.random(len(bars)) < 0.7]]))


@pytest.mark.parametrize(
    ("n_groups", "k", "horizon", "embargo"), [(6, 2, 15, 0), (5, 2, 5, 3), (4, 1, 1, 10)]
)
def test_each_split_trains_on_exactly_the_rows_whose_labels_and_embargo_miss_every_test_group(
    n_groups, k, horizon, embargo
):
    times = _times(n_groups)
    splits = cpcv_splits(
        times, n_groups=n_groups, n_test_groups=k, horizon_ms=horizon * MINUTE, embargo_ms=embargo * MINUTE
    )
    assert len(splits) == comb(n_groups, k)
    group, _, ends = time_groups(times, n_groups)
    spans = [(times[group == g].min(), times[group == g].max()) for g in range(n_groups)]
    for split in splits:
        tested = np.isin(group, split.groups)
        np.testing.assert_array_equal(split.test, np.flatnonzero(tested))
        # brute force, row by row: the label window [t, t + h] overlaps no test group's bars, and t is
        # not within the embargo after one
        expected = [
            i
            for i, t in enumerate(times)
            if not tested[i]
            and all(
                not (t <= spans[g][1] and t + horizon * MINUTE >= spans[g][0])
                and not (spans[g][1] < t < ends[g] + embargo * MINUTE)
                for g in split.groups
            )
        ]
        np.testing.assert_array_equal(split.train, expected)
        # a time is never on both sides
        assert not set(times[split.train]) & set(times[split.test])


def test_groups_cover_the_times_in_order_and_never_split_a_time():
    times = _times(1)
    group, starts, ends = time_groups(times, 6)
    assert (np.diff(group) >= 0).all() and set(group) == set(range(6))
    for g in range(6):
        inside = times[group == g]
        assert inside.min() == starts[g] and inside.max() < ends[g]
    assert len({(t, g) for t, g in zip(times, group)}) == len(set(times))


@pytest.mark.parametrize(("n_groups", "k"), [(6, 2), (5, 2), (6, 3), (4, 1)])
def test_each_path_takes_every_group_once_and_uses_each_test_of_each_split_once(n_groups, k):
    from itertools import combinations

    paths = cpcv_paths(n_groups, k)
    assert paths.shape == (comb(n_groups - 1, k - 1), n_groups)
    chosen = list(combinations(range(n_groups), k))
    used = set()
    for path in paths:
        for g, split in enumerate(path):
            assert g in chosen[split]  # the split tests that group
            used.add((int(split), g))
    assert used == {(s, g) for s, groups in enumerate(chosen) for g in groups}


def test_bad_layouts_are_refused_naming_the_value():
    times = np.arange(10) * MINUTE
    with pytest.raises(ConfigError, match=r"n_test_groups .* got 4"):
        cpcv_splits(times, n_groups=4, n_test_groups=4, horizon_ms=MINUTE)
    with pytest.raises(ConfigError, match="n_groups=20 needs at least 20 distinct times, got 10"):
        cpcv_splits(times, n_groups=20, n_test_groups=2, horizon_ms=MINUTE)
    with pytest.raises(ConfigError, match="got -1"):
        cpcv_splits(times, n_groups=4, n_test_groups=2, horizon_ms=-1)
