"""Small synthetic targets shared by the model tests."""

from __future__ import annotations

import pytest

from hl_pipeline.ml.models import synthetic
from hl_pipeline.ml.models.config import WalkForward, XGBConfig
from hl_pipeline.ml.models.target_spec import Target

TARGET = Target(tuple(f"f{i}" for i in range(6)), "dir_15m", "fwd_ret_15m", 15 * 60_000, 15)
FAST_XGB = XGBConfig(n_estimators=40, max_depth=3, learning_rate=0.1)
WALK = WalkForward(n_folds=3)
EVIDENCE = {  # the gate's evidence, by the fixed names issue 11 asks MLflow to keep
    "oos_net_return",
    "oos_net_sharpe",
    "oos_net_sharpe_lcb",
    "deflated_sharpe",
    "oos_accuracy",
    "oos_ic",
    "gate_p_value",
    "gate_p_adjusted",
}


@pytest.fixture(scope="session")
def signal_frame():
    return synthetic.frame(bars=3000, coins=2, strength=0.15, seed=1)
