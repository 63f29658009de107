"""A range of days is validated in one batch and reported per date partition."""

from __future__ import annotations

import pandas as pd

from hl_pipeline.quality import check_candles
from hl_pipeline_tests.quality import frames as F
from hl_pipeline_tests.quality.conftest import by_check, failed

DATES = ["2024-03-01", "2024-03-02", "2024-03-03"]


def test_three_days_give_outcomes_per_date_and_a_bad_row_on_day_two_fails_only_day_two():
    df = F.candles(("BTC", "SOL"), days=3)
    row = df.index[df["time"] == pd.Timestamp("2024-03-02T05:00:00Z")][0]
    df.loc[row, "low"] = df.loc[row, "high"] + 1  # crossed
    outcomes = check_candles(df, DATES, F.coverage(("BTC", "SOL"), DATES, ["1m/api"]))
    assert {(o.check, o.partition) for o in outcomes} == {
        (c, d) for c in {o.check for o in outcomes} for d in DATES
    }
    assert failed(outcomes) == {("candles_valid_values", "2024-03-02")}
    bad = by_check(outcomes, "candles_valid_values")["2024-03-02"]
    assert bad.metadata["unexpected_rows"] == 1 and bad.metadata["rows"] == 2 * 1440
    assert bad.metadata["examples"][0]["time"] == "2024-03-02T05:00:00Z"


def test_a_date_without_rows_gets_outcomes_and_is_incomplete():
    df = F.candles(("BTC",), days=3)
    df = df[df["time"].dt.date != pd.Timestamp("2024-03-02").date()]
    outcomes = check_candles(df, DATES, F.coverage(("BTC",), DATES, ["1m/api"]))
    assert len(by_check(outcomes, "candles_valid_values")) == 3
    assert failed(outcomes) == {("candles_complete", "2024-03-02")}
    gap = by_check(outcomes, "candles_complete")["2024-03-02"].metadata["gaps"][0]
    assert (gap["start"], gap["end"], gap["bars"]) == ("2024-03-02T00:00:00Z", "2024-03-03T00:00:00Z", 1440)


def test_a_date_without_rows_that_was_unavailable_passes_completeness():
    empty = F.candles(("BTC",)).iloc[:0]
    cov = F.coverage(("BTC",), ["2023-01-01"], ["1m/api"], status="unavailable", reason="beyond retention")
    outcomes = check_candles(empty, ["2023-01-01"], cov)
    assert failed(outcomes) == set()
    assert by_check(outcomes, "candles_complete")["2023-01-01"].metadata["unavailable"] == {
        "BTC": [{"series": "1m/api", "reason": "beyond retention"}]
    }


def test_a_date_without_coverage_fails_completeness():
    outcomes = check_candles(F.candles(("BTC",)), ["2024-03-01"], {})
    assert failed(outcomes) == {("candles_complete", "2024-03-01")}
