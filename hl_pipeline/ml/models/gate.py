"""The promotion gate: promote only net-of-cost edge, out of sample, corrected for the number of tests.

On the gate window (every walk-forward fold after the first, each served by the candidate the
folds before it chose, so the record is the choosing procedure's, out of sample) the strategy is
traded as served (trading.py) and must, all at once:

- reach the directional accuracy floor on the labelled bars;
- have a net Sharpe ratio whose lower confidence bound (stationary bootstrap) is above zero;
- beat, paired on the same bars, staying flat, always long and the sign of the last bar's
  return, and the current champion on the last fold's bars its labels never reached: the
  gate's p-value is the largest of these one-sided p-values (an intersection-union test), and
  it is adjusted over every target decided in the same round (Holm by default) before it is
  compared with alpha.

The deflated Sharpe ratio (over the trials recorded in MLflow) and the probability of backtest
overfitting (over the candidates) are reported beside the decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from hl_pipeline.ml.models import evidence, metrics
from hl_pipeline.ml.models.bootstrap import p_mean_positive, resample
from hl_pipeline.ml.models.config import GateConfig, TradingConfig
from hl_pipeline.ml.models.trading import MarketColumns, portfolio_returns
from hl_pipeline.ml.models.walkforward import NO_LABEL, Evaluation, times_ms

BASELINES = ("flat", "always long", "last return")

Scorer = Callable[[pd.DataFrame], np.ndarray]  # feature rows -> expected direction in [-1, 1]


@dataclass(frozen=True)
class Assessment:
    """The chosen candidate's out-of-sample record on the gate window, before the round's correction."""

    candidate: str
    n_bars: int
    n_labelled: int
    accuracy: float
    ic: float
    net_return: float  # compounded over the window
    net_sharpe: float  # annualised
    net_sharpe_lcb: float  # one-sided lower bound at alpha, annualised
    deflated_sharpe: float
    backtest_overfitting: float
    p_values: dict[str, float]  # comparator -> one-sided p of the paired mean net edge
    block_bars: float
    n_trials: int

    @property
    def p_value(self) -> float:
        return max(self.p_values.values()) if self.p_values else 1.0


@dataclass(frozen=True)
class Decision:
    promote: bool
    assessment: Assessment
    p_adjusted: float
    against: str  # what the challenger was compared with
    reason: str

    def metrics(self) -> dict[str, float]:
        """The evidence by the fixed names MLflow keeps."""
        a = self.assessment
        return {
            "oos_net_return": a.net_return,
            "oos_net_sharpe": a.net_sharpe,
            "oos_net_sharpe_lcb": a.net_sharpe_lcb,
            "deflated_sharpe": a.deflated_sharpe,
            "oos_accuracy": a.accuracy,
            "oos_ic": a.ic,
            "gate_p_value": a.p_value,
            "gate_p_adjusted": self.p_adjusted,
            "pbo": a.backtest_overfitting,
        }

    def tags(self) -> dict[str, str]:
        """The decision as string tags (MLflow) and metadata."""
        a = asdict(self.assessment)
        p = a.pop("p_values")
        return {
            "promotion_decision": ("promoted: " if self.promote else "held: ") + self.reason,
            "gate.promote": str(self.promote),
            "gate.against": self.against,
            "gate.p_adjusted": str(self.p_adjusted),
            **{f"gate.{k}": str(v) for k, v in a.items()},
            **{f"gate.p.{k}": str(v) for k, v in p.items()},
        }


def window(ev: Evaluation) -> pd.DataFrame:
    """The gate window: every out-of-sample bar served by a walk-forward choice (`score_chosen`)."""
    return ev.oos[ev.oos["score_chosen"].notna()]


def champion_window(ev: Evaluation, after_ms: int) -> pd.DataFrame:
    """The bars of the last fold (whose features the record keeps) that the champion's labels never
    reached (time > after_ms)."""
    last = ev.oos[(ev.oos["fold"] == ev.oos["fold"].max()) & (ev.oos["row"] >= 0)]
    return last[times_ms(last) > after_ms]


def assess(
    ev: Evaluation,
    *,
    champion: Scorer | None = None,
    champion_train_end_ms: int | None = None,
    trading: TradingConfig = TradingConfig(),
    config: GateConfig = GateConfig(),
    n_trials: int = 1,
) -> Assessment:
    """Trade the walk-forward choice and its comparators on the gate window; bootstrap the paired
    edges. The champion is compared on the bars its labels never reached."""
    win = window(ev).copy()
    hold = ev.target.hold_bars
    scores = {"challenger": win["score_chosen"].to_numpy(dtype=float), "always long": np.ones(len(win))}
    bar_return = MarketColumns().bar_return
    if bar_return in win:
        scores["last return"] = np.sign(win[bar_return].to_numpy(dtype=float))
    for name, values in scores.items():
        win[f"__{name}"] = values
    nets = {name: _net(win, f"__{name}", hold, trading) for name in scores}
    labelled = win["code"].to_numpy() != NO_LABEL
    accuracy = (
        float(np.mean(win["pred_chosen"].to_numpy()[labelled] == win["code"].to_numpy()[labelled]))
        if labelled.any()
        else float("nan")
    )
    r = nets["challenger"]
    nan = float("nan")
    record = Assessment(
        candidate=ev.primary,
        n_bars=len(r),
        n_labelled=int(labelled.sum()),
        accuracy=accuracy,
        ic=metrics.ic(scores["challenger"], win["ret"].to_numpy(dtype=float)),
        net_return=nan,
        net_sharpe=nan,
        net_sharpe_lcb=nan,
        deflated_sharpe=nan,
        backtest_overfitting=nan,
        p_values={},
        block_bars=nan,
        n_trials=n_trials,
    )
    if len(r) < 3:
        return record
    others = [n for n in scores if n != "challenger"]
    paired = np.column_stack([r, *(r - nets[n] for n in others)])
    boot = resample(paired, n_boot=config.n_boot, seed=config.seed)
    per_year = metrics.per_year(trading.bar_ms)
    p_values = {"flat": p_mean_positive(float(r.mean()), boot.means[:, 0])}
    for j, name in enumerate(others, start=1):
        p_values[name] = p_mean_positive(float(paired[:, j].mean()), boot.means[:, j])
    if champion is not None and champion_train_end_ms is not None:
        p_values["champion"] = _against_champion(ev, champion, champion_train_end_ms, trading, config)
    trial_sharpes = np.array([_sharpe(_net(win, f"score_{k}", hold, trading)) for k in ev.kinds])
    return replace(
        record,
        net_return=float(np.prod(1.0 + r) - 1.0),
        net_sharpe=float(_sharpe(r) * per_year),
        net_sharpe_lcb=float(np.quantile(boot.sharpes()[:, 0], config.alpha) * per_year),
        deflated_sharpe=evidence.deflated_sharpe(r, trial_sharpes, n_trials),
        backtest_overfitting=evidence.backtest_overfitting(_candidate_matrix(ev, trading)),
        p_values=p_values,
        block_bars=boot.block,
    )


def _against_champion(
    ev: Evaluation, champion: Scorer, train_end_ms: int, trading: TradingConfig, config: GateConfig
) -> float:
    """One-sided p of the challenger's paired mean net edge over the champion on the bars the
    champion's labels never reached (1 when there are fewer than 3)."""
    win = champion_window(ev, train_end_ms + ev.target.horizon_ms).copy()
    if len(win) < 3:
        return 1.0
    win["__champion"] = np.asarray(champion(ev.rows.iloc[win["row"].to_numpy()]), dtype=float)
    hold = ev.target.hold_bars
    diff = _net(win, "score_chosen", hold, trading) - _net(win, "__champion", hold, trading)
    boot = resample(diff, n_boot=config.n_boot, seed=config.seed)
    return p_mean_positive(float(diff.mean()), boot.means[:, 0])


def decide_round(
    assessments: list[Assessment], against: list[str], config: GateConfig = GateConfig()
) -> list[Decision]:
    """Decide every target of one round together: the gate p-values are adjusted over the round."""
    adjusted = evidence.adjust([a.p_value for a in assessments], config.correction)
    return [_decide(a, p, who, config) for a, p, who in zip(assessments, adjusted, against)]


def gate(ev: Evaluation, **kwargs) -> Decision:
    """One target decided alone (a round of one): `assess` then `decide_round`."""
    config = kwargs.get("config", GateConfig())
    against = "champion and baselines" if kwargs.get("champion") is not None else "baselines"
    return decide_round([assess(ev, **kwargs)], [against], config)[0]


def _decide(a: Assessment, p_adjusted: float, against: str, config: GateConfig) -> Decision:
    if a.n_labelled < config.min_rows:
        reason = (
            f"only {a.n_labelled} labelled out-of-sample bars in the gate window (need {config.min_rows})"
        )
    elif not a.accuracy >= config.floor:
        reason = f"directional accuracy {a.accuracy:.4f} is below the floor {config.floor}"
    elif not a.net_sharpe_lcb > 0:
        reason = (
            f"net-of-cost Sharpe {a.net_sharpe:.2f} has its lower {config.alpha:.0%} bound at "
            f"{a.net_sharpe_lcb:.2f}, not above 0"
        )
    elif not p_adjusted < config.alpha:
        worst = max(a.p_values, key=lambda k: a.p_values[k])
        reason = (
            f"does not beat {worst} significantly after the round's {config.correction} correction: "
            f"p={a.p_value:.4f}, adjusted {p_adjusted:.4f} >= alpha {config.alpha}"
        )
    else:
        reason = (
            f"accuracy {a.accuracy:.4f} >= {config.floor}, net Sharpe {a.net_sharpe:.2f} (lower bound "
            f"{a.net_sharpe_lcb:.2f} > 0), beats {', '.join(a.p_values)} (p={a.p_value:.4f}, adjusted "
            f"{p_adjusted:.4f} < {config.alpha})"
        )
        return Decision(True, a, p_adjusted, against, reason)
    return Decision(False, a, p_adjusted, against, reason)


def _net(win: pd.DataFrame, score: str, hold: int, trading: TradingConfig) -> np.ndarray:
    return portfolio_returns(win, score, horizon_bars=hold, config=trading)["net"].to_numpy()


def _candidate_matrix(ev: Evaluation, trading: TradingConfig) -> np.ndarray:
    """Bars x candidates net returns over every out-of-sample fold (for the PBO)."""
    columns = [_net(ev.oos, f"score_{k}", ev.target.hold_bars, trading) for k in ev.kinds]
    return np.column_stack(columns) if columns else np.empty((0, 0))


def _sharpe(r: np.ndarray) -> float:
    sd = r.std(ddof=1) if len(r) > 1 else 0.0
    return float(r.mean() / sd) if sd > 0 else 0.0
