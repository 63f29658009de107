"""The streaming collector: WebSocket in, crash-safe landing files out (no Dagster)."""
