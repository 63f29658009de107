"""The promotion gate: challenger against champion (or the majority baseline) on one recent window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from hl_pipeline.errors import PreconditionError
from hl_pipeline.ml.models.config import GateConfig
from hl_pipeline.ml.models.walkforward import Evaluation, times_ms


@dataclass(frozen=True)
class Decision:
    promote: bool
    challenger_accuracy: float
    champion_accuracy: float
    p_value: float
    n_rows: int
    against: str  # what the challenger was compared with
    reason: str

    def tags(self) -> dict[str, str]:
        """The decision as string tags (MLflow) / metadata."""
        return {f"gate.{k}": str(v) for k, v in asdict(self).items()}


def block_bootstrap_p(
    diff: np.ndarray, times_ms: np.ndarray, *, block_ms: int, n_boot: int, seed: int
) -> float:
    """One-sided p-value of mean(diff) > 0 from a paired block bootstrap.

    Blocks are consecutive time buckets of `block_ms` (all coins of a bar stay together, and
    overlapping labels stay in one block). The bootstrap gives the standard error of the mean
    difference; the p-value refers mean / se to Student's t with B - 1 degrees of freedom, because
    the plain percentile p-value is anti-conservative with few blocks (measured in null mode:
    8-9% false promotions at alpha 5%, against about 6% this way)."""
    from scipy.stats import t as student

    _, block = np.unique(times_ms // max(block_ms, 1), return_inverse=True)
    sums = np.bincount(block, weights=diff)
    counts = np.bincount(block).astype(float)
    b = len(sums)
    if b < 2:
        return 1.0
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, b, size=(n_boot, b))
    means = sums[pick].sum(axis=1) / counts[pick].sum(axis=1)
    se = means.std(ddof=1) * np.sqrt(b / (b - 1))
    if se == 0:
        return 1.0 if diff.mean() <= 0 else 0.0
    return float(student.sf(diff.mean() / se, b - 1))


def decide(
    challenger_correct: np.ndarray,
    champion_correct: np.ndarray,
    times_ms: np.ndarray,
    *,
    block_ms: int,
    against: str,
    config: GateConfig = GateConfig(),
) -> Decision:
    """Promote only if challenger accuracy >= floor and its paired edge is significant at alpha."""
    n = len(challenger_correct)
    if n < config.min_rows:
        return Decision(
            False,
            float("nan"),
            float("nan"),
            float("nan"),
            n,
            against,
            f"only {n} out-of-sample rows in the gate window (need {config.min_rows})",
        )
    ch, cp = float(np.mean(challenger_correct)), float(np.mean(champion_correct))
    diff = challenger_correct.astype(float) - champion_correct.astype(float)
    p = block_bootstrap_p(diff, times_ms, block_ms=block_ms, n_boot=config.n_boot, seed=config.seed)
    if ch < config.floor:
        reason = f"challenger accuracy {ch:.4f} is below the floor {config.floor}"
    elif p >= config.alpha:
        reason = f"edge over {against} ({ch - cp:+.4f}) is not significant: p={p:.4f} >= alpha={config.alpha}"
    else:
        reason = (
            f"accuracy {ch:.4f} >= floor {config.floor} and beats {against} by {ch - cp:+.4f} "
            f"(p={p:.4f} < {config.alpha})"
        )
        return Decision(True, ch, cp, p, n, against, reason)
    return Decision(False, ch, cp, p, n, against, reason)


def window(ev: Evaluation, after_ms: int | None = None) -> pd.DataFrame:
    """The gate window: out-of-sample rows of the last fold, only those with time > after_ms."""
    last = ev.oos[ev.oos["fold"] == ev.oos["fold"].max()]
    if after_ms is None:
        return last
    return last[times_ms(last) > after_ms]


def gate(
    ev: Evaluation,
    *,
    champion: Callable[[pd.DataFrame], np.ndarray] | None = None,
    champion_train_end_ms: int | None = None,
    against: str = "champion",
    config: GateConfig = GateConfig(),
) -> Decision:
    """Score the primary candidate against `champion` (a function from feature rows to predicted
    class labels) on the window of labels the champion never trained on; without a champion,
    against the majority-class baseline of the same folds."""
    after = None if champion_train_end_ms is None else champion_train_end_ms + ev.target.horizon_ms
    win = window(ev, after if champion is not None else None)
    t = times_ms(win)
    challenger_correct = win[f"pred_{ev.primary}"].to_numpy() == win["code"].to_numpy()
    if champion is None:
        if "pred_majority" not in win:
            raise PreconditionError("no champion and no 'majority' candidate to compare against")
        baseline_correct = win["pred_majority"].to_numpy() == win["code"].to_numpy()
        against = "majority baseline"
    else:
        labels = np.asarray(champion(ev.rows.iloc[win["row"].to_numpy()])) if len(win) else np.empty(0)
        baseline_correct = labels == ev.classes[win["code"].to_numpy()]
    block_ms = int(config.block_horizons * ev.target.horizon_ms)
    return decide(challenger_correct, baseline_correct, t, block_ms=block_ms, against=against, config=config)
