"""The MLflow pyfunc wrapper of a direction model (imports mlflow: import this lazily)."""

from __future__ import annotations

import mlflow.pyfunc

from hl_pipeline.ml.models.predictor import DirectionModel


class DirectionPyfunc(mlflow.pyfunc.PythonModel):
    """`predict(features_df)` returns pred_class, score and one probability column per class."""

    def __init__(self, model: DirectionModel):
        self.model = model

    def predict(self, context, model_input, params=None):
        return self.model.predict(model_input).reset_index(drop=True)
