"""Dagster-free machine learning: features, labels, training sets, models and their evaluation."""
