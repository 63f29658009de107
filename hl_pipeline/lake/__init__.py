"""The Parquet lake: Hive paths, Arrow schemas, atomic partition writes, manifests."""
