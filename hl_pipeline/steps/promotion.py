"""The gated promotion: the ML gate decides, the registry records it and moves the aliases."""

from __future__ import annotations

from hl_pipeline.errors import PreconditionError
from hl_pipeline.ml.models.config import GateConfig
from hl_pipeline.ml.models.gate import Decision, gate
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.ml.models.walkforward import Evaluation
from hl_pipeline.registry.aliases import CHAMPION, apply, newest_version, version_at
from hl_pipeline.registry.loading import load
from hl_pipeline.registry.runs import LoggedModel
from hl_pipeline.registry.tracking import Tracking
from hl_pipeline.steps.training import stored_evaluation


def promote_or_hold(
    tracking: Tracking, logged: LoggedModel, ev: Evaluation, config: GateConfig = GateConfig()
) -> Decision:
    """Gate `logged` (the version trained in `ev`) against the current champion, or the majority
    baseline when there is none, on labels the champion never trained on; apply and return the decision."""
    champion = version_at(tracking, logged.name, CHAMPION)
    if champion is None:
        decision = gate(ev, config=config)
    else:
        model = load(tracking, logged.name)
        decision = gate(
            ev,
            champion=lambda rows: model.predict(rows)["pred_class"].to_numpy(),
            champion_train_end_ms=int(champion.tags["train_end_ms"]),
            against=f"champion v{champion.version}",
            config=config,
        )
    apply(tracking, logged.name, logged.version, decision.promote, decision.tags(), run_id=logged.run_id)
    return decision


def promote(tracking: Tracking, key: TargetKey, gate_config: GateConfig) -> tuple[str, Decision]:
    """Gate the newest version of `key`'s model against its champion and move the aliases."""
    newest = newest_version(tracking, key.model_name)
    if newest is None:
        raise PreconditionError(
            f"no registered version of {key.model_name}: materialize model for {key.key} first"
        )
    ev = stored_evaluation(tracking, newest.run_id)
    name, version = key.model_name, str(newest.version)
    logged = LoggedModel(name, version, newest.run_id, "", f"models:/{name}/{version}")
    return version, promote_or_hold(tracking, logged, ev, gate_config)
