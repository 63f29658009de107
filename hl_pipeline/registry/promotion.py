"""The gated promotion: score the new version against the champion, decide, move the aliases."""

from __future__ import annotations

from hl_pipeline.ml.models.config import GateConfig
from hl_pipeline.ml.models.gate import Decision, gate
from hl_pipeline.ml.models.walkforward import Evaluation
from hl_pipeline.registry.aliases import CHAMPION, apply, version_at
from hl_pipeline.registry.errors import RegistryError
from hl_pipeline.registry.runs import LoggedModel
from hl_pipeline.registry.tracking import Tracking


def load(tracking: Tracking, name: str, alias: str = CHAMPION):
    """The pyfunc model behind `models:/NAME@alias`; RegistryError if the store, model or alias is missing."""
    import mlflow
    from mlflow.exceptions import MlflowException

    tracking.check(must_exist=True)
    with tracking.active():
        try:
            return mlflow.pyfunc.load_model(f"models:/{name}@{alias}")
        except MlflowException as exc:
            raise RegistryError(
                f"cannot load models:/{name}@{alias} from {tracking.tracking_uri}: {exc.message}"
            ) from exc


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
    apply(tracking, logged.name, logged.version, decision, run_id=logged.run_id)
    return decision
