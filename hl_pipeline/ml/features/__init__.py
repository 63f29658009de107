"""The feature matrix: a registry of features (inputs, lookback, range) and the maths behind them.

Entry points live in `compute`; every feature is point in time (see `hl_pipeline.ml.pointintime`).
"""
