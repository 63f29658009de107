"""hl_pipeline: Hyperliquid market data as a Dagster lineage graph."""

__version__ = "0.1.0"
