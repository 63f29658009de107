"""The stationary bootstrap: block length from the data, honest standard errors and p-values."""

import numpy as np
import pytest
from scipy.signal import lfilter
from scipy.stats import binom

from hl_pipeline.ml.models import bootstrap


def ar1(phi: float, n: int, seed: int) -> np.ndarray:
    return lfilter([1.0], [1.0, -phi], np.random.default_rng(seed).normal(size=n))


def test_block_length_grows_with_dependence():
    assert bootstrap.block_length(ar1(0.0, 20_000, 0)) < 3
    assert bootstrap.block_length(ar1(0.5, 20_000, 0)) > 10
    assert bootstrap.block_length(ar1(0.9, 20_000, 0)) > bootstrap.block_length(ar1(0.5, 20_000, 0))


@pytest.mark.parametrize("phi", [0.0, 0.6])
def test_the_standard_error_of_the_mean_matches_the_long_run_one(phi):
    x = ar1(phi, 40_000, 1)
    se = bootstrap.resample(x, n_boot=600, seed=0).means[:, 0].std()
    true = 1 / (1 - phi) / np.sqrt(len(x))  # long-run sd of an AR(1) mean, unit innovations
    assert se == pytest.approx(true, rel=0.2)
    iid = bootstrap.resample(x, n_boot=600, seed=0, block=1).means[:, 0].std()
    if phi:
        assert iid < 0.7 * true  # i.i.d. resampling of a dependent series understates the error


def test_null_p_values_reject_at_about_alpha():
    trials, alpha = 300, 0.05
    rejected = 0
    for seed in range(trials):
        x = ar1(0.3, 1500, 100 + seed)
        boot = bootstrap.resample(x, n_boot=400, seed=seed)
        rejected += bootstrap.p_mean_positive(float(x.mean()), boot.means[:, 0]) < alpha
    assert rejected <= binom.ppf(0.99, trials, alpha)


def test_a_real_mean_is_found_and_pairs_stay_paired():
    rng = np.random.default_rng(2)
    market = rng.normal(0, 1e-2, 5000)
    edge = market + 2e-3  # the same noise plus an edge: paired, the edge is plain
    boot = bootstrap.resample(np.column_stack([edge, edge - market]), n_boot=500, seed=0)
    assert bootstrap.p_mean_positive(float((edge - market).mean()), boot.means[:, 1]) < 0.01
    assert boot.sds[:, 1].max() < 1e-8  # the paired difference is constant in every replicate


def test_paths_have_the_mean_and_spread_of_cumulative_sums():
    x = np.random.default_rng(3).normal(1e-3, 1e-2, 4000)
    at = np.array([1, 100, 4000])
    p = bootstrap.paths(x, at, n_boot=400, seed=0, block=10)
    assert p.shape == (400, 3)
    assert p[:, 2].mean() == pytest.approx(x.sum(), rel=0.05)
    assert p[:, 1].std() == pytest.approx(1e-2 * np.sqrt(100), rel=0.25)


@pytest.mark.parametrize("block", [1.0, 3.0, 40.0])  # short blocks are counted, long ones summed
def test_replicates_are_the_means_and_sds_of_the_drawn_blocks(block):
    x = np.random.default_rng(5).normal(size=(900, 3))
    boot = bootstrap.resample(x, n_boot=7, seed=11, block=block)
    rng = np.random.default_rng(11)  # the draws resample makes, replayed by hand
    blocks = int(np.ceil(len(x) / block * 1.2)) + 16
    starts, lengths = bootstrap._blocks(rng, len(x), block, 7, blocks)
    for r in range(7):
        picked = np.concatenate(
            [np.arange(s, s + n) % len(x) for s, n in zip(starts[r], lengths[r]) if n > 0]
        )
        assert len(picked) == len(x)
        np.testing.assert_allclose(boot.means[r], x[picked].mean(axis=0), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(boot.sds[r], x[picked].std(axis=0, ddof=1), rtol=1e-9)
