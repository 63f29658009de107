"""Dagster helpers every domain uses: partitions, asset policy, check events, lake metadata."""
