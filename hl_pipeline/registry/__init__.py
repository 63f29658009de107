"""MLflow tracking and model registry: runs, versions, the champion alias, promotion and rollback.

Dagster-free; mlflow is imported inside the functions that use it.
"""
