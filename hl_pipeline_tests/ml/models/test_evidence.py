"""Multiple-testing corrections, the deflated Sharpe ratio and the probability of backtest overfitting."""

import numpy as np
import pytest

from hl_pipeline.errors import ConfigError
from hl_pipeline.ml.models import evidence


def test_holm_and_benjamini_hochberg_by_hand():
    p = [0.01, 0.04, 0.03, 0.5]
    # Holm: sorted 0.01, 0.03, 0.04, 0.5 times 4, 3, 2, 1, running maximum
    assert evidence.adjust(p, "holm") == pytest.approx([0.04, 0.09, 0.09, 0.5])
    # BH: sorted times 4/1, 4/2, 4/3, 4/4, running minimum from the top
    assert evidence.adjust(p, "bh") == pytest.approx([0.04, 0.04 * 4 / 3 * 1, 0.04 * 4 / 3 * 1, 0.5])
    assert evidence.adjust([0.03], "holm") == [0.03]
    got = evidence.adjust([0.02, float("nan")], "holm")
    assert got[0] == 0.02 and np.isnan(got[1])
    with pytest.raises(ConfigError, match="'bonferroni'"):
        evidence.adjust(p, "bonferroni")


def test_the_deflated_sharpe_ratio_falls_with_the_number_of_trials():
    rng = np.random.default_rng(0)
    r = rng.normal(2e-3, 1e-2, 2000)
    trials = rng.normal(0, 0.03, 20)
    one = evidence.deflated_sharpe(r, trials, 1)
    many = evidence.deflated_sharpe(r, trials, 100)
    assert one > 0.99 and many < one
    noise = rng.normal(0, 1e-2, 2000)
    assert evidence.deflated_sharpe(noise, trials, 100) < 0.5


def test_backtest_overfitting_of_noise_is_large_and_of_a_dominant_trial_zero():
    seeds = [np.random.default_rng(s).normal(0, 1e-2, (4000, 10)) for s in range(10)]
    assert 0.2 < np.mean([evidence.backtest_overfitting(m) for m in seeds]) < 0.7  # about 0.4 measured
    noise = seeds[0]
    skilled = noise.copy()
    skilled[:, 3] += 3e-3
    assert evidence.backtest_overfitting(skilled) == 0.0
    assert np.isnan(evidence.backtest_overfitting(noise[:, :1]))
