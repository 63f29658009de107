import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.market.coverage import expected_opens, find_gaps, span_status
from hl_pipeline_tests.lake.helpers import DAY0_MS


def test_expected_opens_include_the_bar_in_progress_unless_whole_bars():
    now = DAY0_MS + 90 * 60_000 + 30_000  # 01:30:30
    assert len(expected_opens("1m", DAY0_MS, now, whole_bars=False)) == 91
    assert len(expected_opens("1h", DAY0_MS, now, whole_bars=False)) == 2
    assert len(expected_opens("1h", DAY0_MS, now, whole_bars=True)) == 1


def test_gaps_are_runs_of_missing_bars():
    expected = expected_opens("1m", DAY0_MS, DAY0_MS + 10 * 60_000, whole_bars=False)
    present = expected[[0, 1, 4, 5, 9]]
    gaps = find_gaps(expected, present, 60_000, "1m")
    assert [(g["start"], g["end"], g["bars"]) for g in gaps] == [
        ("2024-01-01T00:02:00Z", "2024-01-01T00:04:00Z", 2),
        ("2024-01-01T00:06:00Z", "2024-01-01T00:09:00Z", 3),
    ]


def test_span_status():
    end = DAY0_MS + DAY_MS
    assert span_status(DAY0_MS, end, DAY0_MS, end) == ("complete", "")
    assert span_status(DAY0_MS, end, DAY0_MS, end - 1)[0] == "partial"
    assert span_status(DAY0_MS, end, DAY0_MS + 5, end)[0] == "partial"
    status, reason = span_status(DAY0_MS, end, end + 10, end)
    assert status == "unavailable" and "retention" in reason


def test_missing_bars_equal_a_set_difference_whatever_the_order():
    """find_gaps short-cuts a complete day and binary-searches a sorted one: the runs found are those
    of numpy's set difference, for sorted, unsorted, duplicated and complete inputs alike."""
    step = 60_000
    rng = np.random.default_rng(5)
    for trial in range(2000):
        expected = np.arange(0, int(rng.integers(0, 120)) * step, step, dtype=np.int64)
        present = rng.choice(np.arange(-5, 130) * step, int(rng.integers(0, 140))).astype(np.int64)
        if trial % 3 == 0:
            present = np.sort(present)
        if trial % 7 == 0:
            present = expected.copy()
        missing = np.setdiff1d(expected, present)
        runs = np.split(missing, np.flatnonzero(np.diff(missing) != step) + 1) if missing.size else []
        gaps = find_gaps(expected, present, step, "1m")
        assert [g["bars"] for g in gaps] == [r.size for r in runs]
        assert sum(g["bars"] for g in gaps) == missing.size
