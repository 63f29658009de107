"""CPCV paths of the chosen candidate: a planted signal makes money on every path, costs take it away,
and every path is one whole out-of-sample history."""

from __future__ import annotations

import numpy as np
import pytest

from hl_pipeline.ml.models import cpcv, synthetic, walkforward
from hl_pipeline.ml.models.config import CPCVConfig, TradingConfig

from .conftest import FAST_XGB, TARGET, WALK


@pytest.fixture(scope="module")
def planted():
    frame = synthetic.frame(bars=6000, coins=2, strength=0.3, seed=7)
    return walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=("xgboost", "logistic"))


def test_a_planted_signal_is_net_positive_on_every_path_and_each_path_covers_every_bar(planted):
    record, curves = cpcv.paths(planted, xgb=FAST_XGB)
    assert (record.n_groups, record.n_test_groups, record.n_splits) == (5, 2, 10)
    assert len(record.net_sharpes) == len(record.net_returns) == 4
    assert record.candidate == planted.primary
    m = record.metrics()
    assert m["cpcv_paths_positive"] == 1.0 and m["cpcv_net_sharpe_min"] > 0, record
    times = np.sort(planted.rows["time"].unique())
    for _, path in curves.groupby("path"):
        assert path["time"].is_unique and len(path) == len(times)
    # the paths are different histories, not one history four times
    assert len(set(np.round(record.net_returns, 12))) == 4


def test_costs_make_every_path_lose(planted):
    record, _ = cpcv.paths(planted, xgb=FAST_XGB, trading=TradingConfig(taker_fee_bps=60.0))
    assert max(record.net_returns) < 0 and record.metrics()["cpcv_paths_positive"] == 0.0


def test_more_groups_give_more_paths(planted):
    record, _ = cpcv.paths(planted, xgb=FAST_XGB, config=CPCVConfig(n_groups=6, n_test_groups=2))
    assert record.n_splits == 15 and len(record.net_sharpes) == 5


def test_splits_train_on_non_overlapping_labels_only(planted, monkeypatch):
    trained: list[np.ndarray] = []
    real_rows = cpcv.training_rows

    def recording(x, codes):
        trained.append(x[:, 0].copy())  # feature f0 identifies the rows fitted
        return real_rows(x, codes)

    monkeypatch.setattr(cpcv, "training_rows", recording)
    cpcv.paths(planted, xgb=FAST_XGB)
    rows = planted.rows
    minutes = (rows["time"] - rows["time"].min()).dt.total_seconds().to_numpy() // 60
    hold = planted.target.hold_bars
    f0 = rows["f0"].to_numpy(dtype=np.float32)
    assert len(trained) == 10
    for values in trained:
        fitted = np.isin(f0, values)
        # every fitted bar is a multiple of the hold (the frame starts on one), so labels never share a bar
        assert fitted.any() and (minutes[fitted] % hold == 0).all()
