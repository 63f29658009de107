"""The gate promotes a planted signal and, in null mode, promotes no more often than alpha allows."""

import numpy as np
import pytest
from scipy.stats import binom

from hl_pipeline.ml.models import gate, synthetic, walkforward
from hl_pipeline.ml.models.config import GateConfig

from .conftest import FAST_XGB, TARGET, WALK

NULL_SEEDS = 40


def test_planted_signal_is_promoted_and_beats_the_baseline_significantly(signal_frame):
    ev = walkforward.evaluate(signal_frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=("xgboost", "majority"))
    decision = gate.gate(ev)
    assert decision.promote, decision.reason
    assert decision.against == "majority baseline"
    assert decision.challenger_accuracy >= 0.55 and decision.p_value < 0.05
    assert decision.challenger_accuracy - decision.champion_accuracy > 0.05
    assert decision.tags()["gate.promote"] == "True"


def test_null_mode_false_promotion_rate_is_within_alpha(record_property):
    """40 seeds of pure noise: the gate as configured (floor 0.55) and the bootstrap alone (floor 0)."""
    promoted, bootstrap_only = 0, 0
    for seed in range(NULL_SEEDS):
        frame = synthetic.frame(bars=2400, coins=2, strength=0.0, seed=100 + seed)
        ev = walkforward.evaluate(
            frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=("xgboost", "majority"), fit_final=False
        )
        promoted += gate.gate(ev).promote
        bootstrap_only += gate.gate(ev, config=GateConfig(floor=0.0)).promote
    alpha = GateConfig().alpha
    allowed = binom.ppf(0.99, NULL_SEEDS, alpha)  # alpha plus a one-sided 99% binomial tolerance
    record_property("false_promotion_rate", promoted / NULL_SEEDS)
    record_property("bootstrap_only_false_promotion_rate", bootstrap_only / NULL_SEEDS)
    print(
        f"null mode over {NULL_SEEDS} seeds: false promotions {promoted}/{NULL_SEEDS} with the floor, "
        f"{bootstrap_only}/{NULL_SEEDS} with the bootstrap alone (allowed <= {allowed:.0f})"
    )
    assert promoted <= allowed and bootstrap_only <= allowed


def test_decide_rules():
    t = np.repeat(np.arange(400) * 60_000, 2)
    better = np.r_[np.ones(560), np.zeros(240)].astype(bool)
    rng = np.random.default_rng(0)
    rng.shuffle(better)
    worse = np.zeros(800, dtype=bool)
    d = gate.decide(better, worse, t, block_ms=900_000, against="x")
    assert d.promote and d.n_rows == 800 and d.challenger_accuracy == pytest.approx(0.7)
    same = gate.decide(better, better, t, block_ms=900_000, against="x")
    assert not same.promote and same.p_value == 1.0 and "not significant" in same.reason
    low = gate.decide(better, worse, t, block_ms=900_000, against="x", config=GateConfig(floor=0.75))
    assert not low.promote and "below the floor 0.75" in low.reason
    few = gate.decide(better[:10], worse[:10], t[:10], block_ms=900_000, against="x")
    assert not few.promote and "only 10" in few.reason


def test_block_bootstrap_is_wider_than_iid_for_correlated_rows():
    """Overlapping labels make neighbouring rows agree; blocks keep that, so p is larger than iid's."""
    rng = np.random.default_rng(3)
    diff = np.repeat(rng.choice([-1.0, 0.0, 1.0], size=100, p=[0.3, 0.35, 0.35]), 15)
    t = np.arange(len(diff)) * 60_000
    p_iid = gate.block_bootstrap_p(diff, t, block_ms=60_000, n_boot=2000, seed=0)
    p_block = gate.block_bootstrap_p(diff, t, block_ms=15 * 60_000, n_boot=2000, seed=0)
    assert p_block > p_iid
