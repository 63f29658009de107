"""The analysts' DuckDB catalog over the lake."""
