"""Data-quality checks as code: Great Expectations 1.x suites and completeness rules over lake
frames, reported as one `CheckOutcome` per (check, date partition). No Dagster imports."""

from hl_pipeline.quality.candle_checks import check_candles
from hl_pipeline.quality.funding_checks import check_funding
from hl_pipeline.quality.outcome import CheckOutcome
from hl_pipeline.quality.universe_checks import check_universe

__all__ = ["CheckOutcome", "check_candles", "check_funding", "check_universe"]
