"""Partitions and partition mappings, built from the settings."""

from __future__ import annotations

import dagster as dg

from hl_pipeline.settings import Settings


def daily_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    """Daily UTC partitions from `HL_START_DATE`, today's partial day included."""
    return dg.DailyPartitionsDefinition(start_date=settings.start_date, end_offset=1)


def target_partitions(settings: Settings) -> dg.StaticPartitionsDefinition:
    """One partition per model target (coin x label horizon), e.g. BTC_15m."""
    return dg.StaticPartitionsDefinition(list(settings.model_targets))


def day_window(before: int, after: int = 0) -> dg.TimeWindowPartitionMapping:
    """A day's partition reads `before` days back and `after` days ahead of the same input."""
    return dg.TimeWindowPartitionMapping(
        start_offset=-before, end_offset=after, allow_nonexistent_upstream_partitions=True
    )
