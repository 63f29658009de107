import numpy as np
import pytest

from hl_pipeline.ml.folds import walk_forward_folds

MIN = 60_000


def bars(n: int, coins: int = 1) -> np.ndarray:
    """n one-minute bars, each shared by `coins` rows, in coin-major order (unsorted times)."""
    return np.tile(np.arange(n, dtype=np.int64) * MIN, coins)


def test_purge_removes_exactly_the_rows_whose_label_window_crosses_the_boundary():
    times = bars(100, coins=3)
    folds = walk_forward_folds(times, n_folds=4, horizon_ms=15 * MIN, embargo_ms=0)
    for fold in folds:
        train_t = times[fold.train]
        before = times < fold.test_start
        crossing = before & (times + 15 * MIN >= fold.test_start)
        assert set(fold.train) == set(np.flatnonzero(before & ~crossing))
        assert crossing.sum() == 15 * 3  # 15 bars x 3 coins purged
        assert (train_t + 15 * MIN < fold.test_start).all()
        assert set(np.unique(times[fold.test])) == set(range(fold.test_start, fold.test_end, MIN))


def test_test_windows_tile_the_later_blocks_and_shared_times_stay_together():
    times = bars(50, coins=2)
    folds = walk_forward_folds(times, n_folds=4, horizon_ms=0, embargo_ms=0)
    assert [f.index for f in folds] == [0, 1, 2, 3]
    for a, b in zip(folds, folds[1:]):
        assert a.test_end == b.test_start
    assert folds[-1].test_end == 49 * MIN + 1
    covered = np.concatenate([f.test for f in folds])
    assert len(covered) == len(set(covered)) == 2 * (50 - 10)


def test_embargo_widens_the_gap_before_the_test_window():
    times = bars(100)
    plain = walk_forward_folds(times, n_folds=3, horizon_ms=5 * MIN, embargo_ms=0)
    embargoed = walk_forward_folds(times, n_folds=3, horizon_ms=5 * MIN, embargo_ms=10 * MIN)
    for p, e in zip(plain, embargoed):
        assert len(p.train) - len(e.train) == 10
        assert times[e.train].max() + 15 * MIN < e.test_start
        assert np.array_equal(p.test, e.test)


def test_expanding_grows_and_rolling_keeps_a_fixed_window():
    times = bars(120)
    expanding = walk_forward_folds(times, n_folds=3, horizon_ms=0, embargo_ms=0)
    rolling = walk_forward_folds(
        times, n_folds=3, horizon_ms=0, embargo_ms=0, mode="rolling", train_ms=20 * MIN
    )
    assert [len(f.train) for f in expanding] == [30, 60, 90]
    assert [len(f.train) for f in rolling] == [20, 20, 20]
    for f in rolling:
        assert times[f.train].min() == f.test_start - 20 * MIN
    default = walk_forward_folds(times, n_folds=3, horizon_ms=0, embargo_ms=0, mode="rolling")
    assert [len(f.train) for f in default] == [30, 30, 30]


def test_accepts_datetime64():
    times = bars(40).astype("datetime64[ms]")
    assert len(walk_forward_folds(times, n_folds=3, horizon_ms=MIN, embargo_ms=0)) == 3


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        (dict(n_folds=0), "n_folds"),
        (dict(horizon_ms=-1), "-1"),
        (dict(embargo_ms=-5), "-5"),
        (dict(mode="sliding"), "sliding"),
        (dict(train_ms=0), "train_ms"),
        (dict(min_train_rows=0), "min_train_rows"),
        (dict(n_folds=30), "distinct times"),
        (dict(horizon_ms=50 * MIN), "min_train_rows=1"),
    ],
)
def test_bad_arguments_raise_naming_the_value(kwargs, named):
    args = dict(n_folds=3, horizon_ms=MIN, embargo_ms=0) | kwargs
    with pytest.raises(ValueError, match=named):
        walk_forward_folds(bars(20), **args)


@pytest.mark.parametrize(
    "times", [np.array([], dtype=np.int64), np.array([1.5, 2.5]), np.zeros((2, 2), dtype=np.int64)]
)
def test_bad_times_raise(times):
    with pytest.raises(ValueError, match="times_ms"):
        walk_forward_folds(times, n_folds=1, horizon_ms=0, embargo_ms=0)


def test_rows_in_time_order_get_the_folds_of_the_same_rows_shuffled():
    rng = np.random.default_rng(3)
    times = np.sort(bars(120, coins=3) + rng.integers(0, 3, 360) * MIN)  # repeated and skipped times
    order = rng.permutation(len(times))
    for mode in ("expanding", "rolling"):
        ordered, shuffled = (
            walk_forward_folds(
                t, n_folds=4, horizon_ms=5 * MIN, embargo_ms=2 * MIN, mode=mode, train_ms=40 * MIN
            )
            for t in (times, times[order])
        )
        for a, b in zip(ordered, shuffled, strict=True):
            assert (a.test_start, a.test_end) == (b.test_start, b.test_end)
            assert set(a.train) == set(order[b.train]) and set(a.test) == set(order[b.test])
