"""Daily UTC partitions for market data, today's partial day included."""

import dagster as dg

from hl_pipeline import settings

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=settings.parse_date(
        settings.env("HL_START_DATE", settings.DEFAULT_START_DATE), "HL_START_DATE"
    ),
    end_offset=1,
)
