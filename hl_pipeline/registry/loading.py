"""Loading a registered model back as an MLflow pyfunc."""

from __future__ import annotations

from typing import Any

from hl_pipeline.registry.aliases import CHAMPION
from hl_pipeline.registry.errors import RegistryError
from hl_pipeline.registry.tracking import Tracking


def load(tracking: Tracking, name: str, alias: str = CHAMPION) -> Any:
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
