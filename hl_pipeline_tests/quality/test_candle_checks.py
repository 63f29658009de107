"""Candle checks pass on good data and fail on each kind of bad data, per date partition."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hl_pipeline.quality import check_candles
from hl_pipeline_tests.quality import frames as F
from hl_pipeline_tests.quality.conftest import by_check, failed

DAY = "2024-03-01"
CHECKS = [
    "candles_schema",
    "candles_valid_values",
    "candles_unique_increasing",
    "candles_complete",
    "candles_resampled_match_native",
]


@pytest.fixture
def good():
    return F.candles(("BTC", "ETH"), native=("1m", "1h"), resampled=("1h",))


def cover(dates=(DAY,), series=("1m/api", "1h/api", "1h/resampled"), coins=("BTC", "ETH"), **kw):
    return F.coverage(coins, list(dates), list(series), **kw)


def test_good_data_passes_every_check_with_json_metadata(good):
    outcomes = check_candles(good, [DAY], cover())
    assert sorted(o.check for o in outcomes) == sorted(CHECKS)
    assert failed(outcomes) == set()
    assert {o.severity for o in outcomes if o.check.endswith(("complete", "native"))} == {"WARN"}
    assert by_check(outcomes, "candles_resampled_match_native")[DAY].metadata["compared_bars"] == 48
    json.dumps([o.metadata for o in outcomes])


def _first_1m(df, coin="BTC"):
    return df.index[(df["coin"] == coin) & (df["interval"] == "1m")][10]


@pytest.mark.parametrize(
    "column, value, rule",
    [
        ("high", 50.0, "expect_column_pair_values_a_to_be_greater_than_b(high,open)"),  # crossed OHLC
        ("volume", -1.0, "expect_column_values_to_be_between(volume)"),
        ("low", None, "expect_column_values_to_not_be_null(low)"),
        (
            "close_time",
            pd.Timestamp("2024-03-01T00:11:00Z"),
            "expect_column_pair_values_to_be_equal(close_time,_dq_expected_close_time)",
        ),
        ("trades", -3, "expect_column_values_to_be_between(trades)"),
    ],
)
def test_bad_values_fail_valid_values(good, column, value, rule):
    good.loc[_first_1m(good), column] = value
    outcome = by_check(check_candles(good, [DAY], cover()), "candles_valid_values")[DAY]
    assert not outcome.passed and outcome.severity == "ERROR"
    assert outcome.metadata["unexpected_by_rule"][rule] == 1
    assert outcome.metadata["examples"][0]["coin"] == "BTC"
    json.dumps(outcome.metadata)


def test_duplicate_time_fails_unique_increasing(good):
    row = _first_1m(good)
    bad = pd.concat([good.loc[:row], good.loc[[row]], good.loc[row + 1 :]], ignore_index=True)
    outcome = by_check(check_candles(bad, [DAY], cover()), "candles_unique_increasing")[DAY]
    assert not outcome.passed
    assert (
        outcome.metadata["unexpected_by_rule"][
            "expect_compound_columns_to_be_unique(coin,interval,source,time)"
        ]
        == 2
    )


def test_decreasing_time_fails_unique_increasing(good):
    row = _first_1m(good)
    bad = good.copy()
    bad.loc[[row, row + 1]] = good.loc[[row + 1, row]].to_numpy()  # swap two bars
    outcomes = check_candles(bad, [DAY], cover())
    outcome = by_check(outcomes, "candles_unique_increasing")[DAY]
    assert not outcome.passed
    assert (
        "expect_column_values_to_be_between(_dq_ms_since_previous)" in outcome.metadata["unexpected_by_rule"]
    )
    assert by_check(outcomes, "candles_valid_values")[DAY].passed


def test_missing_minute_is_a_gap_with_its_start_and_end(good):
    bad = good.drop(index=_first_1m(good))  # BTC 1m bar at 00:10
    outcome = by_check(check_candles(bad, [DAY], cover()), "candles_complete")[DAY]
    assert not outcome.passed and outcome.severity == "WARN"
    assert outcome.metadata["gaps"] == [
        {
            "coin": "BTC",
            "source": "api",
            "interval": "1m",
            "start": "2024-03-01T00:10:00Z",
            "end": "2024-03-01T00:11:00Z",
            "bars": 1,
        }
    ]
    assert outcome.metadata["missing_by_coin"] == {"BTC": {"1m/api": 1}}


def test_unavailable_interval_is_reported_as_unavailable_not_as_a_gap(good):
    cov = cover()
    cov[DAY]["BTC"]["1h/api"] = {"status": "unavailable", "reason": "beyond the API's candle retention"}
    bad = good[~((good["coin"] == "BTC") & (good["interval"] == "1h") & (good["source"] == "api"))]
    outcome = by_check(check_candles(bad, [DAY], cov), "candles_complete")[DAY]
    assert outcome.passed
    assert outcome.metadata["gaps"] == []
    assert outcome.metadata["unavailable"] == {
        "BTC": [{"series": "1h/api", "reason": "beyond the API's candle retention"}]
    }
    assert "unavailable" in outcome.description


def test_partial_day_expects_only_its_span(good):
    cov = cover()
    for coin in ("BTC", "ETH"):
        for series in cov[DAY][coin].values():
            series.update(expected_end="2024-03-01T12:00:00Z", status="partial", reason="day in progress")
    today = good[good["time"] < pd.Timestamp("2024-03-01T12:00:00Z")]
    outcome = by_check(check_candles(today, [DAY], cov), "candles_complete")[DAY]
    assert outcome.passed, outcome.description
    assert outcome.metadata["expected_bars"] == 2 * (720 + 12 + 12)


def test_resampled_bar_differing_from_native_fails_the_match(good):
    row = good.index[(good["coin"] == "ETH") & (good["interval"] == "1h") & (good["source"] == "resampled")][
        3
    ]
    good.loc[row, "volume"] *= 1.001
    outcome = by_check(check_candles(good, [DAY], cover()), "candles_resampled_match_native")[DAY]
    assert not outcome.passed and outcome.metadata["mismatched_bars"] == 1
    assert outcome.metadata["mismatches"][0]["coin"] == "ETH"
    assert list(outcome.metadata["mismatches"][0]["differs"]) == ["volume"]


def test_schema_mismatch_fails_schema_and_skips_pandas_checks(good):
    outcomes = check_candles(good.drop(columns=["trades"]), [DAY], cover())
    schema = by_check(outcomes, "candles_schema")[DAY]
    assert not schema.passed and "expect_table_columns_to_match_set" in schema.description
    assert not by_check(outcomes, "candles_complete")[DAY].passed


def test_wrong_dtype_fails_schema(good):
    outcome = by_check(check_candles(good.astype({"trades": "float64"}), [DAY], cover()), "candles_schema")[
        DAY
    ]
    assert not outcome.passed
    assert "expect_column_values_to_be_of_type(trades)" in outcome.metadata["frame_failures"]
