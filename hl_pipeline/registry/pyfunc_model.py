"""The MLflow pyfunc wrapper of a model (imports mlflow: import this lazily)."""

from __future__ import annotations

from typing import Any

import mlflow.pyfunc
import pandas as pd

from hl_pipeline.registry.runs import FrameModel


class DirectionPyfunc(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    """`predict(features_df)` returns what the wrapped model's `predict` returns, reindexed from 0."""

    def __init__(self, model: FrameModel):
        self.model = model

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        return self.model.predict(model_input).reset_index(drop=True)
