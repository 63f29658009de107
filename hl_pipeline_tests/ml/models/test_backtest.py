import numpy as np
import pandas as pd
import pytest

from hl_pipeline.errors import PreconditionError
from hl_pipeline.ml.models import backtest, plots
from hl_pipeline.ml.models.config import TradingConfig

FREE = TradingConfig(taker_fee_bps=0, fallback_spread_bps=0, capital_usd=0, latency_bars=0)


def bars(score, ret, coins=("A",)):
    n = len(score)
    return pd.DataFrame(
        {
            "coin": np.repeat(coins, n),
            "time": np.tile(pd.date_range("2025-01-01", periods=n, freq="min", tz="UTC"), len(coins)),
            "score": np.tile(score, len(coins)),
            "ret_1": np.tile(ret, len(coins)),
        }
    )


def test_foresight_compounds_and_costs_are_reported_apart():
    ret = np.array([0.0, 0.01, -0.02, 0.01, 0.03])
    score = np.r_[np.sign(ret[1:]), 0.0]  # knows the next bar
    free = backtest.run(bars(score, ret), score="score", hold_bars=1, trading=FREE)
    assert free.stats["hit_rate"] == 1.0 and free.stats["max_drawdown"] == 0.0
    assert free.stats["net_return"] == pytest.approx(np.prod(1 + np.abs(np.expm1(ret[1:]))) - 1)
    assert free.stats["turnover"] == pytest.approx((1 + 2 + 2 + 0) / 5)
    costly = backtest.run(bars(score, ret), score="score", hold_bars=1, trading=TradingConfig(latency_bars=0))
    assert costly.stats["gross_return"] == pytest.approx(free.stats["net_return"])
    assert costly.stats["cost_fee"] == pytest.approx(4.5e-4 * 5)
    assert costly.stats["net_return"] < free.stats["net_return"]


def test_annualised_sharpe_interval_brackets_it_and_the_band_plots(tmp_path):
    rng = np.random.default_rng(1)
    ret = rng.normal(0, 0.01, 3000)
    bt = backtest.run(bars(np.ones(3000), ret, coins=("A", "B")), score="score", hold_bars=5, trading=FREE)
    r = bt.returns["net"].to_numpy()
    assert bt.stats["net_sharpe"] == pytest.approx(r.mean() / r.std(ddof=1) * np.sqrt(365 * 1440))
    assert bt.stats["net_sharpe_lo"] < bt.stats["net_sharpe"] < bt.stats["net_sharpe_hi"]
    assert bt.stats["exposure"] == pytest.approx(2999 / 3000)  # flat until the first decision
    assert 0 < bt.stats["p_value"] < 1
    eq = bt.equity
    assert len(eq) <= backtest.CURVE_POINTS and (eq["band_lo"] <= eq["band_hi"]).all()
    assert eq["equity"].iloc[-1] == pytest.approx(np.prod(1 + r))
    png = plots.equity_png(eq, tmp_path / "equity.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="score"):
        backtest.run(pd.DataFrame({"coin": [], "time": []}), score="score", hold_bars=1)
    with pytest.raises(ValueError, match="horizon_bars"):
        backtest.run(bars([1.0] * 5, [0.1] * 5), score="score", hold_bars=0)
    with pytest.raises(PreconditionError, match="no predictions"):
        backtest.run(bars([np.nan] * 5, [0.1] * 5), score="score", hold_bars=1)
