"""Market-data transforms between the client and the lake: day windows, resampling, coverage (no Dagster)."""
