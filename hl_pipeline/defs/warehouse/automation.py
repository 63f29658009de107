"""Evaluates the eager condition that refreshes the catalog after new market data."""

import dagster as dg

warehouse_automation = dg.AutomationConditionSensorDefinition(
    "warehouse_automation",
    target=dg.AssetSelection.groups("warehouse"),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
