import numpy as np
import pandas as pd
import pytest

from hl_pipeline.errors import PreconditionError
from hl_pipeline.ml.models import backtest, plots
from hl_pipeline.ml.models.config import BacktestConfig

FREE = BacktestConfig(fee_bps=0, slippage_bps=0)


def preds(score, ret, coins=("A",)):
    n = len(score)
    return pd.DataFrame(
        {
            "coin": np.repeat(coins, n),
            "time": np.tile(pd.date_range("2025-01-01", periods=n, freq="min", tz="UTC"), len(coins)),
            "score": np.tile(score, len(coins)),
            "ret": np.tile(ret, len(coins)),
        }
    )


def test_perfect_foresight_wins_every_period_and_costs_are_charged_on_position_changes():
    ret = np.array([0.01, -0.02, 0.01, 0.03])
    free = backtest.run(preds(np.sign(ret), ret), ret="ret", horizon_bars=1, config=FREE)
    assert free.stats["hit_rate"] == 1.0 and free.stats["max_drawdown"] == 0.0
    assert free.stats["total_return"] == pytest.approx(np.prod(1 + np.abs(ret)) - 1)
    assert free.stats["turnover"] == pytest.approx((1 + 2 + 2 + 0) / 4)
    costly = backtest.run(
        preds(np.sign(ret), ret), ret="ret", horizon_bars=1, config=BacktestConfig(fee_bps=5, slippage_bps=5)
    )
    assert costly.stats["total_return"] == pytest.approx(
        np.prod(1 + np.abs(ret) - 1e-3 * np.array([1, 2, 2, 0])) - 1
    )


def test_rebalances_once_per_horizon_and_annualizes_for_the_holding_period():
    rng = np.random.default_rng(0)
    ret = rng.normal(0.0005, 0.01, 600)
    bt = backtest.run(preds(np.ones(600), ret, coins=("A", "B")), ret="ret", horizon_bars=15, config=FREE)
    assert bt.stats["periods"] == 40 and len(bt.equity) == 40
    r = ret[::15]
    assert bt.stats["sharpe"] == pytest.approx(r.mean() / r.std(ddof=1) * np.sqrt(365 * 1440 / 15))
    e = np.cumprod(1 + r)
    assert bt.stats["max_drawdown"] == pytest.approx(min(0.0, (e / np.maximum.accumulate(e) - 1).min()))


def test_monte_carlo_band_brackets_and_plots(tmp_path):
    rng = np.random.default_rng(1)
    bt = backtest.run(preds(rng.normal(size=2000), rng.normal(0, 0.01, 2000)), ret="ret", horizon_bars=5)
    eq = bt.equity
    assert (eq["band_lo"] <= eq["band_hi"]).all()
    assert ((eq["equity"] >= eq["band_lo"]) & (eq["equity"] <= eq["band_hi"])).mean() > 0.5
    png = plots.equity_png(eq, tmp_path / "equity.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="score"):
        backtest.run(pd.DataFrame({"coin": [], "time": [], "ret": []}), ret="ret", horizon_bars=1)
    with pytest.raises(ValueError, match="horizon_bars"):
        backtest.run(preds([1.0], [0.1]), ret="ret", horizon_bars=0)
    with pytest.raises(PreconditionError, match="no predictions"):
        backtest.run(preds([np.nan], [0.1]), ret="ret", horizon_bars=1)
