"""Direction models: candidates, purged walk-forward evaluation, the promotion gate, backtests.

Nothing here imports Dagster or MLflow; xgboost, scikit-learn and matplotlib are imported
inside the functions that use them.
"""
