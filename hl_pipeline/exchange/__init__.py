"""Hyperliquid client: REST info, rate limiting, payload parsing (no Dagster imports)."""
