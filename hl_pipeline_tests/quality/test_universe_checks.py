"""Universe checks: tracked coins listed, valid metadata and contexts."""

from __future__ import annotations

import json

from hl_pipeline.quality import check_universe
from hl_pipeline_tests.quality import frames as F
from hl_pipeline_tests.quality.conftest import by_check, failed

DATES = ["2024-03-01", "2024-03-02"]
TRACKED = ["BTC", "ETH"]


def test_good_universe_passes():
    outcomes = check_universe(F.universe(("BTC", "ETH", "SOL"), days=2), DATES, TRACKED)
    assert len(outcomes) == 3 * 2 and failed(outcomes) == set()
    json.dumps([o.metadata for o in outcomes])


def test_missing_or_delisted_tracked_coin_fails_and_is_named():
    df = F.universe(("BTC", "SOL"), days=2, delisted=("BTC",))
    outcome = by_check(check_universe(df, DATES, TRACKED), "universe_tracked_coins_listed")["2024-03-01"]
    assert not outcome.passed and outcome.severity == "ERROR"
    assert outcome.metadata["missing"] == ["ETH"] and outcome.metadata["delisted"] == ["BTC"]
    assert "ETH" in outcome.description and "BTC" in outcome.description


def test_a_date_without_a_snapshot_fails_tracked_coins():
    outcomes = check_universe(F.universe(days=1), DATES, TRACKED)
    assert failed(outcomes) == {("universe_tracked_coins_listed", "2024-03-02")}


def test_invalid_values_fail_on_their_date():
    df = F.universe(("BTC", "ETH", "SOL"), days=2)
    df.loc[4, "asset_id"] = 0  # 2024-03-02: ETH shares BTC's asset id
    df.loc[5, "mark_px"] = -1.0
    df.loc[5, "max_leverage"] = 0
    outcomes = check_universe(df, DATES, TRACKED)
    assert failed(outcomes) == {("universe_valid_values", "2024-03-02")}
    rules = by_check(outcomes, "universe_valid_values")["2024-03-02"].metadata["unexpected_by_rule"]
    assert rules == {
        "expect_compound_columns_to_be_unique(time,asset_id)": 2,
        "expect_column_values_to_be_between(max_leverage)": 1,
        "expect_column_values_to_be_between(mark_px)": 1,
    }


def test_partition_date_column_places_backfilled_rows():
    df = F.universe(days=1).assign(date="2024-03-02")
    outcomes = check_universe(df, DATES, TRACKED)
    assert failed(outcomes) == {("universe_tracked_coins_listed", "2024-03-01")}


def test_backfilled_days_sharing_a_capture_time_are_unique_per_partition():
    df = F.universe(("BTC", "ETH"), days=2)
    df["date"] = [d.strftime("%Y-%m-%d") for d in df["time"]]
    df["time"] = df["time"].max()  # one run captured both days' listings at the same moment
    assert failed(check_universe(df, DATES, TRACKED)) == set()
    df.loc[1, "coin"] = "BTC"  # a real duplicate inside 2024-03-01
    assert ("universe_valid_values", "2024-03-01") in failed(check_universe(df, DATES, TRACKED))
