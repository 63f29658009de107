"""Lookahead on the standard synthetic inputs (three coins, four days, daily asset contexts): the
invariant of test_lookahead_late_data.py, checked by the same function with the test's own
truncation, at cuts spread over three days. The late-data inputs, the few hundred cut times and
the planted leaks (test_lookahead_mutations.py) live with the late-data tests."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.ml.features.catalog import FEATURES
from hl_pipeline_tests.ml import synthetic
from hl_pipeline_tests.ml.lookahead import check_features_at_cuts

DAYS = 4
FIRST, END = synthetic.START + DAY_MS, synthetic.START + DAYS * DAY_MS  # day 0 is history only
_rng = np.random.default_rng(2024)
_closes = FIRST + _rng.integers(1, (END - FIRST) // (15 * MINUTE_MS), 4) * 15 * MINUTE_MS
CUTS = np.sort(
    np.concatenate(
        [
            _rng.integers(FIRST + HOUR_MS, END, 3),  # any millisecond
            (_closes[:, None] + np.array([-1, 0, 1])).ravel(),  # at 1m, 5m and 15m closes and either side
            [FIRST + DAY_MS, END - 1, END],  # midnight, the last bar's close
        ]
    )
)


def test_no_feature_reads_past_the_cut():
    """On 1m bars (the late-data tests cover 5m bars too)."""
    result = check_features_at_cuts(synthetic.inputs(days=DAYS, seed=11), CUTS, start_ms=FIRST, end_ms=END)
    assert result.cuts == len(CUTS) >= 15
    assert sorted(result.full["coin"].unique()) == list(synthetic.COINS)
    for f in FEATURES:  # the comparison is not vacuous: the feature has values at the bar before the cut
        assert result.at_last_bar[f.name] > 0, f.name
