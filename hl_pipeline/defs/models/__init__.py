"""Models (issue #5): training, gated promotion, predictions and backtests, with MLflow."""
