"""The gated promotion: every target of a round is assessed, the round's p-values are adjusted
together, then the registry records each decision (metrics, tags) and moves the aliases."""

from __future__ import annotations

from dataclasses import dataclass

from hl_pipeline.errors import PreconditionError
from hl_pipeline.ml.models.config import GateConfig, TradingConfig
from hl_pipeline.ml.models.gate import Decision, Scorer, assess, decide_round
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.registry.aliases import CHAMPION, apply, newest_version, version_at, version_count
from hl_pipeline.registry.loading import load
from hl_pipeline.registry.runs import log_metrics
from hl_pipeline.registry.tracking import Tracking
from hl_pipeline.steps.training import stored_evaluation


@dataclass(frozen=True)
class Promotion:
    key: TargetKey
    version: str
    run_id: str
    decision: Decision


def promote_round(
    tracking: Tracking, keys: list[TargetKey], gate: GateConfig, trading: TradingConfig
) -> list[Promotion]:
    """Gate the newest version of each target against its champion (or the baselines alone while there
    is none) on labels the champion never trained on; correct over the round; apply every decision."""
    pending, assessments, against = [], [], []
    for key in keys:
        newest = newest_version(tracking, key.model_name)
        if newest is None:
            raise PreconditionError(
                f"no registered version of {key.model_name}: materialize model for {key.key} first"
            )
        ev = stored_evaluation(tracking, newest.run_id)
        champion = version_at(tracking, key.model_name, CHAMPION)
        scorer: Scorer | None = None
        champion_end = None
        if champion is not None and str(champion.version) != str(newest.version):
            model = load(tracking, key.model_name)
            scorer = lambda rows, model=model: model.predict(rows)["score"].to_numpy()  # noqa: E731
            champion_end = int(champion.tags["train_end_ms"])
        trials = version_count(tracking, key.model_name) * len(ev.kinds)
        assessments.append(
            assess(
                ev,
                champion=scorer,
                champion_train_end_ms=champion_end,
                trading=trading,
                config=gate,
                n_trials=trials,
            )
        )
        against.append("baselines" if scorer is None else f"champion v{champion.version} and baselines")
        pending.append((key, str(newest.version), newest.run_id))
    out = []
    for (key, version, run_id), decision in zip(pending, decide_round(assessments, against, gate)):
        log_metrics(tracking, run_id, decision.metrics())
        apply(tracking, key.model_name, version, decision.promote, decision.tags(), run_id=run_id)
        out.append(Promotion(key, version, run_id, decision))
    return out
