"""Strength 0 is a null market (issue 11): 1m returns are uncorrelated at every lag, with fat tails,
volatility clustering, intraday seasonality and correlated coins; the path is a pure function of time."""

from __future__ import annotations

import numpy as np
import pytest

from hl_pipeline.simulator import pricepath
from hl_pipeline.simulator.config import LISTING_MS
from hl_pipeline.simulator.pricepath import grid_log_prices, log_price
from hl_pipeline_tests.simulator import stylised as st

DAY_MIN = 1440
M0 = LISTING_MS // 60_000 + 420 * DAY_MIN
DAYS = 4
SEEDS = (1, 2, 3)
Z_MAX = 4.5  # |z| of 300 (or 270) near-normal statistics: exceeded by chance with probability ~0.002


@pytest.fixture(scope="module", params=SEEDS)
def r(request) -> np.ndarray:
    """1m close-to-close log returns of every default coin over DAYS days, strength 0."""
    return st.returns(request.param, M0, M0 + DAYS * DAY_MIN + 1)


def test_returns_are_uncorrelated_at_lags_1_to_10(r):
    # robust z, not acf * sqrt(n): volatility clustering widens the acf's sampling spread
    z = np.array([[st.robust_z(x, x, lag) for lag in range(1, 11)] for x in r])
    assert np.abs(z).max() < Z_MAX, np.round(z, 1)


def test_returns_have_fat_tails(r):
    assert min(st.excess_kurtosis(x) for x in r) > 2


def test_volatility_clusters(r):
    acf = np.array([st.acf(np.abs(x), range(1, 31)) for x in r])
    assert acf.min() > 0.05 and acf.mean() > 0.15


def test_volatility_follows_the_intraday_season(r):
    assert st.season_corr(r, M0) > 0.6


def test_coins_move_together_in_the_same_minute_only(r):
    same = st.pair_corrs(r)
    assert same.min() > 0.3 and same.max() < 0.85
    lagged = [st.robust_z(r[i], r[j], 1) for i in range(len(r)) for j in range(len(r)) if i != j]
    assert np.abs(lagged).max() < Z_MAX


def test_the_path_is_a_pure_function_of_time():
    def window(m0: int, m1: int) -> np.ndarray:
        return grid_log_prices(5, 3, 310.0, 0.028, m0, m1, 6)

    day = LISTING_MS // 60_000 + 6 * pricepath._BLOCK_DAYS * DAY_MIN  # windows cross a block of day totals
    pricepath._day.cache_clear()
    pricepath._days.cache_clear()
    late, early = window(day + 1000, day + 3000), window(day - 400, day + 1200)
    pricepath._day.cache_clear()
    pricepath._days.cache_clear()
    whole = window(day - 400, day + 3000)
    assert np.array_equal(whole[1400:], late) and np.array_equal(whole[:1600], early)
    t = (np.arange((day - 400) * 6, (day + 3000) * 6) * 10_000).reshape(-1, 6)
    assert np.array_equal(log_price(5, 3, 310.0, 0.028, t), whole)
    between = log_price(5, 3, 310.0, 0.028, t[:, :2] + 4_000)  # 4 s past a sample: 0.4 of the way on
    np.testing.assert_allclose(between, 0.6 * whole[:, :2] + 0.4 * whole[:, 1:3], rtol=0, atol=1e-12)


def test_the_path_is_continuous_across_days_and_the_listing_origin():
    m = LISTING_MS // 60_000 + np.array([-3 * DAY_MIN, -1, 0, 1, 200 * DAY_MIN])
    p = grid_log_prices(2, 0, 42_000.0, 0.025, int(m[1]), int(m[3]), 6)
    assert p[1, 0] == np.log(42_000.0)  # the listing day's first sample is start_px
    assert np.abs(np.diff(p.ravel())).max() < 0.01
    far = log_price(2, 0, 42_000.0, 0.025, m * 60_000)
    assert np.isfinite(far).all()
