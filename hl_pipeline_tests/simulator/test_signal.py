"""The planted signal: recoverable from candles when on, absent in null mode, a pure function of time."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from hl_pipeline.simulator import cli, signal
from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.config import LISTING_MS, SimulatorConfig
from hl_pipeline.simulator.minutes import minute_candles
from hl_pipeline.simulator.pricepath import grid_log_prices, log_price
from hl_pipeline_tests.simulator.stylised import log_closes, momentum_pairs

DAY_MIN = 1440
M0 = LISTING_MS // 60_000 + 200 * DAY_MIN


def momentum_corr(strength: float, coin_id: int, seed: int = 3) -> tuple[float, int]:
    """Correlation of a 1m bar's log return with the next 15 minutes' log return, over one day."""
    spec = SimulatorConfig(seed=seed, signal_strength=strength).coins[coin_id]
    c = minute_candles(seed, coin_id, spec, M0, M0 + DAY_MIN + 16)
    close = np.log(c.c)
    ret_1m = close[1:-15] - close[:-16]
    fwd = close[16:] - close[1:-15]
    return float(np.corrcoef(ret_1m, fwd)[0, 1]), len(fwd)


@pytest.mark.parametrize("strength", [0.5, 1.0])
def test_the_stated_information_coefficient_is_what_candles_show(strength):
    """Pooled over every default coin of 12 seeds' 2-day windows, 37 days apart (regimes average out)."""
    windows = []
    for seed in range(1, 13):
        m0 = LISTING_MS // 60_000 + (50 + 37 * seed) * DAY_MIN
        windows.append(log_closes(seed, m0, m0 + 2 * DAY_MIN + 61, strength))
    for horizon in (5, 15, 60):
        per_seed = [np.corrcoef(*momentum_pairs(w, horizon))[0, 1] for w in windows]
        measured = np.corrcoef(*momentum_pairs(np.concatenate(windows), horizon))[0, 1]
        se = np.std(per_seed) / np.sqrt(len(per_seed))
        stated = signal.information_coefficient(strength, horizon)
        assert abs(measured - stated) < 3 * se, (horizon, measured, stated, se)
    assert signal.information_coefficient(strength, 15) > 0.25


def test_the_stated_information_coefficient():
    assert signal.information_coefficient(0.0) == 0.0
    ics = [signal.information_coefficient(s) for s in (0.2, 0.5, 1.0, 2.0)]
    assert ics == sorted(ics) and ics[-1] < 1
    # the reversion: a 60 min window gives back most of the drift, from 68 min on more than all of it
    assert 0 < signal.information_coefficient(1.0, 60) < 0.1 and signal.information_coefficient(1.0, 120) < 0


def test_null_mode_plants_nothing():
    corrs = np.array([momentum_corr(0.0, coin_id, seed)[0] for coin_id in (0, 2, 7) for seed in (1, 2)])
    assert np.abs(corrs).max() * np.sqrt(DAY_MIN) < 3.5
    plain = minute_candles(3, 0, SimulatorConfig().coins[0], M0, M0 + 60)
    null = minute_candles(3, 0, SimulatorConfig(signal_strength=0.0).coins[0], M0, M0 + 60)
    assert np.array_equal(plain.c, null.c)


def test_signal_is_a_pure_function_of_time_and_consistent_across_paths():
    minutes = np.arange(M0, M0 + 300, dtype=np.int64)
    whole = signal.offset(3, 1, 0.03, 0.5, minutes)
    assert np.array_equal(signal.offset(3, 1, 0.03, 0.5, minutes[200:]), whole[200:])
    sparse = minutes[[0, 5, 150, 299]]
    np.testing.assert_allclose(signal.offset(3, 1, 0.03, 0.5, sparse), whole[[0, 5, 150, 299]])
    grid = grid_log_prices(3, 1, 2300.0, 0.03, M0, M0 + 10, 6, 0.5)
    t = (np.arange(M0 * 6, (M0 + 10) * 6) * 10_000).reshape(10, 6)
    np.testing.assert_allclose(log_price(3, 1, 2300.0, 0.03, t, 0.5), grid, rtol=0, atol=1e-12)


def test_the_book_sits_on_the_signalled_path():
    on = SimulatorConfig(seed=3, signal_strength=2.0)
    off = SimulatorConfig(seed=3)
    t = M0 * 60_000 + 7_000_000
    mids = [float(l2_book(3, 0, c.coins[0], t, None, None)["levels"][0][0]["px"]) for c in (on, off)]
    assert mids[0] != mids[1]


def test_kernel_shape_and_config_validation():
    g = signal.kernel(0.5, 0.03)
    assert g[0] == 0 and abs(g[-1]) < 1e-15 and g.argmax() == 1 + signal.HORIZON_MIN
    with pytest.raises(ValueError, match=r"-0\.1"):
        SimulatorConfig(signal_strength=-0.1)


def test_cli_flag_sets_the_strength():
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    config = cli.config_from(parser.parse_args(["--signal-strength", "0.4"]))
    assert config.signal_strength == 0.4 and {c.signal for c in config.coins} == {0.4}
