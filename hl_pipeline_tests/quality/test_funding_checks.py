"""Funding checks: rate bounds, order, one row per expected hour."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from hl_pipeline.quality import check_funding
from hl_pipeline_tests.quality import frames as F
from hl_pipeline_tests.quality.conftest import by_check, failed

DATES = ["2024-03-01", "2024-03-02"]
COV = F.coverage(("BTC", "ETH"), DATES, ["1h/api"])


def good():
    return F.funding(("BTC", "ETH"), days=2)


def test_good_funding_passes():
    outcomes = check_funding(good(), DATES, COV)
    assert len(outcomes) == 4 * 2 and failed(outcomes) == set()
    assert by_check(outcomes, "funding_complete")["2024-03-01"].metadata["expected_bars"] == 48
    json.dumps([o.metadata for o in outcomes])


def test_rate_beyond_the_cap_fails_only_its_date():
    df = good()
    df.loc[30, "funding_rate"] = 0.05  # BTC, 2024-03-02 06:00
    outcomes = check_funding(df, DATES, COV)
    assert failed(outcomes) == {("funding_valid_values", "2024-03-02")}
    assert not failed(check_funding(df, DATES, COV, max_abs_rate=0.1))


def test_null_rate_and_infinite_premium_fail_valid_values():
    df = good()
    df.loc[1, "funding_rate"] = np.nan
    df.loc[2, "premium"] = np.inf
    df.loc[3, "premium"] = np.nan  # a missing premium is allowed
    outcome = by_check(check_funding(df, DATES, COV), "funding_valid_values")["2024-03-01"]
    assert not outcome.passed and outcome.metadata["unexpected_rows"] == 2


def test_duplicate_and_decreasing_times_fail_unique_increasing():
    df = good()
    dup = pd.concat([df.iloc[:5], df.iloc[[4]], df.iloc[5:]], ignore_index=True)
    assert not by_check(check_funding(dup, DATES, COV), "funding_unique_increasing")["2024-03-01"].passed
    swapped = df.copy()
    swapped.loc[[7, 8]] = df.loc[[8, 7]].to_numpy()
    outcome = by_check(check_funding(swapped, DATES, COV), "funding_unique_increasing")["2024-03-01"]
    assert not outcome.passed and outcome.metadata["unexpected_rows"] == 1


def test_missing_hour_is_listed():
    df = good().drop(index=[50])  # ETH 2024-03-01 02:00
    outcome = by_check(check_funding(df, DATES, COV), "funding_complete")["2024-03-01"]
    assert not outcome.passed
    assert outcome.metadata["gaps"] == [
        {
            "coin": "ETH",
            "source": "api",
            "interval": "1h",
            "start": "2024-03-01T02:00:00Z",
            "end": "2024-03-01T03:00:00Z",
            "bars": 1,
        }
    ]
