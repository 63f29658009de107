"""The gate promotes a planted signal net of costs and, in null mode, promotes no more often than
alpha allows; a round of targets is corrected together."""

import numpy as np
import pytest
from scipy.stats import binom

from hl_pipeline.ml.models import gate, synthetic, walkforward
from hl_pipeline.ml.models.config import GateConfig

from .conftest import EVIDENCE, FAST_XGB, TARGET, WALK

NULL_SEEDS = 40
KINDS = ("xgboost", "logistic")


def test_a_planted_signal_is_promoted_on_net_edge_with_its_evidence_named():
    frame = synthetic.frame(bars=6000, coins=2, strength=0.3, seed=1)
    ev = walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=KINDS)
    decision = gate.gate(ev)
    assert decision.promote, decision.reason
    a = decision.assessment
    assert set(a.p_values) == {"flat", "always long", "last return"}
    assert a.accuracy >= 0.55 and a.net_sharpe_lcb > 0 and a.net_return > 0
    assert decision.p_adjusted == a.p_value < 0.05  # a round of one: nothing to adjust
    assert set(decision.metrics()) == EVIDENCE | {"pbo"}
    tags = decision.tags()
    assert tags["gate.promote"] == "True" and tags["promotion_decision"].startswith("promoted: ")


def test_null_mode_false_promotion_rate_is_within_alpha(record_property):
    """40 seeds of pure noise: the gate as configured, and without the accuracy floor."""
    promoted, without_floor = 0, 0
    for seed in range(NULL_SEEDS):
        frame = synthetic.frame(bars=2400, coins=2, strength=0.0, seed=100 + seed)
        ev = walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=KINDS, fit_final=False)
        promoted += gate.gate(ev).promote
        without_floor += gate.gate(ev, config=GateConfig(floor=0.0)).promote
    allowed = binom.ppf(0.99, NULL_SEEDS, GateConfig().alpha)  # alpha plus a one-sided 99% tolerance
    record_property("false_promotion_rate", promoted / NULL_SEEDS)
    print(
        f"null mode: {promoted}/{NULL_SEEDS} promoted, {without_floor} without the floor (<= {allowed:.0f})"
    )
    assert promoted <= allowed and without_floor <= allowed


def test_costs_turn_a_gross_edge_into_a_hold():
    from hl_pipeline.ml.models.config import TradingConfig

    frame = synthetic.frame(bars=6000, coins=2, strength=0.3, seed=1)
    ev = walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=KINDS)
    dear = gate.gate(ev, trading=TradingConfig(taker_fee_bps=60.0))
    assert not dear.promote and dear.assessment.net_return < 0
    assert "not above 0" in dear.reason


def test_a_challenger_that_is_the_champion_does_not_beat_it():
    frame = synthetic.frame(bars=6000, coins=2, strength=0.3, seed=1)
    ev = walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=KINDS)
    final = ev.final
    assert final is not None
    same = gate.gate(
        ev, champion=lambda rows: final.predict(rows)["score"].to_numpy(), champion_train_end_ms=0
    )
    assert set(same.assessment.p_values) == {"flat", "always long", "last return", "champion"}
    assert same.assessment.p_values["champion"] > 0.4 and not same.promote


def _assessment(p: float, **changes) -> gate.Assessment:
    base = dict(
        candidate="xgboost",
        n_bars=1000,
        n_labelled=800,
        accuracy=0.6,
        ic=0.1,
        net_return=0.02,
        net_sharpe=3.0,
        net_sharpe_lcb=1.0,
        deflated_sharpe=0.9,
        backtest_overfitting=0.2,
        p_values={"flat": p / 2, "always long": p},
        block_bars=2.0,
        n_trials=4,
    )
    return gate.Assessment(**{**base, **changes})


def test_each_rule_holds_with_its_reason_and_the_round_is_corrected_together():
    alone = gate.decide_round([_assessment(0.03)], ["baselines"])[0]
    assert alone.promote and alone.p_adjusted == pytest.approx(0.03)
    pair = gate.decide_round([_assessment(0.03), _assessment(0.03)], ["baselines"] * 2)
    assert [d.promote for d in pair] == [False, False]  # Holm: 0.06 each
    assert pair[0].p_adjusted == pytest.approx(0.06) and "holm correction" in pair[0].reason
    bh = gate.decide_round(
        [_assessment(0.03), _assessment(0.03)], ["baselines"] * 2, GateConfig(correction="bh")
    )
    assert [d.promote for d in bh] == [True, True]  # the false-discovery rate allows both
    few = gate.decide_round([_assessment(0.01, n_labelled=10)], ["x"])[0]
    assert not few.promote and "only 10 labelled" in few.reason
    low = gate.decide_round([_assessment(0.01, accuracy=0.52)], ["x"])[0]
    assert not low.promote and "below the floor 0.55" in low.reason
    weak = gate.decide_round([_assessment(0.01, net_sharpe_lcb=-0.1)], ["x"])[0]
    assert not weak.promote and "lower 5% bound" in weak.reason
    assert np.isfinite(list(alone.metrics().values())).all()
