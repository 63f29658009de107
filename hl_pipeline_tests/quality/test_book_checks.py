"""Book snapshot checks: each planted fault is caught on its day, and a clean book passes."""

import pandas as pd
import pytest

from hl_pipeline.quality.book_checks import check_books
from hl_pipeline_tests.quality.conftest import by_check, failed
from hl_pipeline_tests.quality.order_flow_frames import DATE, books


def _snapshot(df, k: int):
    return df["time"] == sorted(df["time"].unique())[k]


def _where(df, snapshot: int, side: str, level: int):
    return _snapshot(df, snapshot) & (df["side"] == side) & (df["level"] == level)


def test_a_clean_book_passes_every_check():
    assert failed(check_books(books(), [DATE])) == set()


@pytest.mark.parametrize(
    "column, snapshot, side, level, value, check",
    [
        ("px", 3, "bid", 0, 1000.0, "book_snapshots_not_crossed"),  # best bid above the asks
        ("px", 4, "ask", 2, 100.50, "book_snapshots_sorted_levels"),  # between ask levels 0 and 1
        ("sz", 5, "ask", 1, 0.0, "book_snapshots_positive"),
    ],
)
def test_a_planted_fault_fails_its_check_only(column, snapshot, side, level, value, check):
    df = books()
    df[column] = df[column].where(~_where(df, snapshot, side, level), value)
    outcomes = check_books(df, [DATE])
    assert failed(outcomes) == {(check, DATE)}
    assert by_check(outcomes, check)[DATE].metadata["unexpected_rows"] == 1


def test_a_one_sided_book_and_too_many_levels_fail_the_level_counts():
    df = books()
    one_sided = df[~(_snapshot(df, 2) & (df["side"] == "ask"))]
    assert ("book_snapshots_level_counts", DATE) in failed(check_books(one_sided, [DATE]))
    assert ("book_snapshots_level_counts", DATE) in failed(check_books(books(levels=21), [DATE]))


def test_a_snapshot_stored_out_of_time_order_fails_times_increasing():
    df = books()
    swapped = pd.concat(
        [df[~_snapshot(df, 5)], df[_snapshot(df, 5)]], ignore_index=True
    )  # snapshot 5 after the last
    assert failed(check_books(swapped, [DATE])) == {("book_snapshots_times_increasing", DATE)}


def test_a_frozen_top_of_book_is_listed_as_stale():
    df = books(snapshots=100)
    frozen = df["time"] >= sorted(df["time"].unique())[20]
    first = df[df["time"] == sorted(df["time"].unique())[20]].set_index(["side", "level"])["px"]
    df.loc[frozen, "px"] = [
        first[(s, lvl)] for s, lvl in zip(df.loc[frozen, "side"], df.loc[frozen, "level"])
    ]
    outcome = by_check(check_books(df, [DATE], stale_seconds=60), "book_snapshots_stale")[DATE]
    assert not outcome.passed and outcome.metadata["stale_stretches"] == 1
    assert outcome.metadata["stretches"][0]["snapshots"] == 80
