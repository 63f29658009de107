"""The analysts' DuckDB catalog: views over the Parquet lake (no Dagster)."""
