"""Order flow: trades and book snapshots from the collector and the S3 archives."""
